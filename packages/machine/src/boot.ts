// Machine-level boot: what every run needs before any subsystem starts.
import { cpuAreasInit } from './cpu.js';
import { Kernel, type BootParams } from './kernel.js';
import { lockStatInit } from './lockstat.js';
import { pageAllocInit } from './pages.js';
import { topologyInit } from './topology.js';
import { workqueueInit } from './workqueue.js';

/**
 * Boot the machine layer: topology (cpu_to_node), per-CPU areas, lock
 * statistics, page allocator, workqueue.
 * Subsystems boot after this; the caller publishes when all are done.
 */
export function bootMachine(params: BootParams): Kernel {
  const kernel = Kernel.boot(params);
  topologyInit(kernel, params.sockets ?? 1, params.threadsPerCore ?? 1);
  cpuAreasInit(kernel);
  lockStatInit(kernel);
  pageAllocInit(kernel);
  workqueueInit(kernel);
  return kernel;
}
