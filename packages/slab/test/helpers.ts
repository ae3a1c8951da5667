// Test helpers: boot a small machine, let the test create caches at boot,
// and hand out CPUs that run on the main thread.
import { atomicsLockOps, bootMachine, readLockStats, RealCpu, type BootParams, type Kernel } from '@percpu-lab/machine';

export function bootSlab(setup: (kernel: Kernel) => void, params: Partial<BootParams> = {}) {
  const kernel = bootMachine({ nrCpus: 4, memBytes: 32 * 1024 * 1024, ...params });
  setup(kernel);
  kernel.publish();
  kernel.setLockOps(atomicsLockOps);
  const cpus = Array.from({ length: kernel.nrCpus }, (_, id) => {
    const c = new RealCpu(kernel, id, 1, 1);
    c.online();
    return c;
  });
  return { kernel, cpus };
}

/** Acquisitions of one lock class so far (0 if the class was never taken). */
export function acquisitions(kernel: Kernel, lockClass: string): number {
  return readLockStats(kernel).find((s) => s.name === lockClass)?.acquisitions ?? 0;
}

/** Acquisitions of every lock class, summed. */
export function allAcquisitions(kernel: Kernel): number {
  return readLockStats(kernel).reduce((n, s) => n + s.acquisitions, 0);
}
