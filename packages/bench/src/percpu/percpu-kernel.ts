// The kernel the percpu benchmarks run on: the machine plus the percpu
// allocator with the shipped 6.12 geometry (a unit per CPU).
import { bootMachine, type Kernel } from '@percpu-lab/machine';
import { DEFAULT_GEOMETRY, pcpuBoot, pcpuMemblockBytes } from '@percpu-lab/percpu';

export function bootPercpuBenchKernel(nrCpus: number, lockStat: boolean): Kernel {
  const memBytes = 64 * 1024 * 1024;
  const memblockBytes = Math.ceil((4 * 1024 * 1024 + nrCpus * 64 * 1024 + memBytes / 256 + pcpuMemblockBytes(DEFAULT_GEOMETRY, nrCpus)) / 4096) * 4096;
  const kernel = bootMachine({ nrCpus, memBytes, memblockBytes, lockStat });
  pcpuBoot(kernel, DEFAULT_GEOMETRY);
  kernel.publish();
  return kernel;
}
