// Test helpers: boot a machine with the percpu allocator and hand out CPUs
// running on the main thread.
import { atomicsLockOps, bootMachine, RealCpu, type Kernel } from '@percpu-lab/machine';
import { pcpuBoot, pcpuMemblockBytes } from '../src/boot.js';
import { DEFAULT_GEOMETRY, type PcpuGeometry } from '../src/geometry.js';
import { Percpu } from '../src/percpu.js';

export interface PercpuTestMachine {
  kernel: Kernel;
  percpu: Percpu;
  cpu(id: number): RealCpu;
}

export function bootPercpu(opts: { nrCpus?: number; memBytes?: number; geometry?: PcpuGeometry; lockStat?: boolean } = {}): PercpuTestMachine {
  const nrCpus = opts.nrCpus ?? 2;
  const memBytes = opts.memBytes ?? 64 * 1024 * 1024;
  const geometry = opts.geometry ?? DEFAULT_GEOMETRY;
  const memblockBytes = 4 * 1024 * 1024 + nrCpus * 64 * 1024 + memBytes / 256 + pcpuMemblockBytes(geometry, nrCpus);
  const kernel = bootMachine({ nrCpus, memBytes, memblockBytes: Math.ceil(memblockBytes / 4096) * 4096, lockStat: opts.lockStat ?? false });
  pcpuBoot(kernel, geometry);
  kernel.publish();
  kernel.setLockOps(atomicsLockOps);
  const cpus = new Map<number, RealCpu>();
  const cpu = (id: number) => {
    let c = cpus.get(id);
    if (c === undefined) {
      c = new RealCpu(kernel, id, 1, 1);
      c.online();
      cpus.set(id, c);
    }
    return c;
  };
  return { kernel, percpu: new Percpu(kernel), cpu };
}
