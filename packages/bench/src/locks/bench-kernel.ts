// The kernel the lock benchmarks run on: the machine, one static lock of each
// kind, a word for the Drepper mutex, a shared counter and a phase barrier,
// each on its own cache line.
import { bootMachine, CACHE_LINE, defineLock, LockKind, type Kernel } from '@percpu-lab/machine';

export const BENCH_MUTEX = 'bench_mutex';
export const BENCH_SPINLOCK = 'bench_spinlock';
export const DREPPER_WORD = 'bench_drepper_word';
export const BENCH_COUNTER = 'bench_counter';
export const PHASE_BARRIER = 'bench_phase_barrier';

export function bootBenchKernel(nrCpus: number, lockStat: boolean): Kernel {
  const kernel = bootMachine({ nrCpus, memBytes: 16 * 1024 * 1024, lockStat });
  defineLock(kernel, BENCH_MUTEX, LockKind.Mutex);
  defineLock(kernel, BENCH_SPINLOCK, LockKind.SpinLock);
  kernel.defineSymbol(DREPPER_WORD, kernel.memblockAlloc(CACHE_LINE, CACHE_LINE));
  kernel.defineSymbol(BENCH_COUNTER, kernel.memblockAlloc(CACHE_LINE, CACHE_LINE));
  kernel.defineSymbol(PHASE_BARRIER, kernel.memblockAlloc(CACHE_LINE, CACHE_LINE));
  kernel.publish();
  return kernel;
}
