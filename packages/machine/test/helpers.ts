// Test helpers: boot a small machine and get a CPU on the main thread.
import { atomicsLockOps } from '../src/atomics-lock.js';
import { bootMachine } from '../src/boot.js';
import type { BootParams } from '../src/kernel.js';
import { RealCpu } from '../src/real-cpu.js';

export function bootForTest(params: Partial<BootParams> = {}) {
  const kernel = bootMachine({ nrCpus: 4, memBytes: 32 * 1024 * 1024, ...params });
  kernel.publish();
  kernel.setLockOps(atomicsLockOps);
  const cpu = (id: number) => {
    const c = new RealCpu(kernel, id, 1, 1);
    c.online();
    return c;
  };
  return { kernel, cpu };
}
