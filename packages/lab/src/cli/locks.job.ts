// The job each CPU of `percpu-lab locks` runs: `ops` times lock / increment
// a plain shared counter / unlock, reporting progress to the pool's watchdog.
import type { CpuContext } from '@percpu-lab/machine';

export interface LocksDemoArgs {
  lock: string;
  counter: string;
  ops: number;
}

/** Nanoseconds this CPU spent on its ops, from the start barrier on. */
export type LocksDemoResult = number;

export function cpuMain({ kernel, cpu, args, progress }: CpuContext<LocksDemoArgs>): LocksDemoResult {
  const lock = kernel.lock(args.lock);
  const i32 = kernel.mem.i32;
  const idx = kernel.symbol(args.counter) >> 2;
  const t0 = cpu.now();
  for (let i = 0; i < args.ops; i++) {
    lock.lock(cpu);
    i32[idx] = i32[idx]! + 1;
    lock.unlock(cpu);
    if ((i & 1023) === 0) progress();
  }
  return cpu.now() - t0;
}
