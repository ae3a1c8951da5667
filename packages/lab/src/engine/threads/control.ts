// Run control of the threads engine in kernel memory: the barriers a point
// needs after the pool's start barrier, and a count of the CPUs whose
// warm-up has settled (each keeps warming up until all have). "warm" ends
// the warm-up — the last
// CPU to arrive zeroes the lock statistics while every other CPU is parked,
// so the measured window starts clean on all CPUs at once; "done" holds
// every CPU until all have stopped producing, so finish() can drain what
// other CPUs handed over (spawn-remote) without racing a producer;
// "finished" holds them until every program has given back what it held,
// so the cache drains that follow see every free.
// Each barrier is used once per run; waits are sliced so a stop request
// (crash elsewhere, watchdog) is noticed. The last CPU at "done" also
// notes how much percpu memory caches hold, before any CPU drains them.
import { CACHE_LINE, struct, type Kernel } from '@percpu-lab/machine';

const Barrier = struct('lab_barrier', {
  arrived: 'i32',
  released: 'i32',
  pad: { bytes: CACHE_LINE - 8 },
});

const RunControl = struct('lab_run_control', {
  /** CPUs whose warm-up windows have settled (warmup.ts). */
  settled: { bytes: Barrier.size, align: CACHE_LINE },
  warm: { bytes: Barrier.size, align: CACHE_LINE },
  done: { bytes: Barrier.size, align: CACHE_LINE },
  finished: { bytes: Barrier.size, align: CACHE_LINE },
  /** Percpu bytes parked in caches when the window ended, written by the last CPU at "done". */
  parkedBytes: 'f64',
});

const SYMBOL = 'lab_run_control';
const WAIT_SLICE_MS = 50;

export type BarrierName = 'warm' | 'done' | 'finished';

/** Boot hook: place the run control block. */
export function runControlInit(kernel: Kernel): void {
  kernel.defineSymbol(SYMBOL, kernel.memblockAlloc(RunControl.size, CACHE_LINE));
}

/**
 * Wait until `cpus` CPUs have arrived at barrier `name`; the last to arrive
 * runs `onLast` before releasing the others. False if the run was stopped.
 */
export function runBarrier(kernel: Kernel, name: BarrierName, cpus: number, shouldStop: () => boolean, onLast?: () => void): boolean {
  const m = kernel.mem;
  const b = RunControl[name].addr(kernel.symbol(SYMBOL));
  if (Barrier.arrived.add(m, b, 1) + 1 === cpus) {
    onLast?.();
    Barrier.released.store(m, b, 1);
    Atomics.notify(m.i32, Barrier.released.index(b));
    return true;
  }
  const idx = Barrier.released.index(b);
  while (Atomics.load(m.i32, idx) === 0) {
    if (shouldStop()) return false;
    Atomics.wait(m.i32, idx, 0, WAIT_SLICE_MS);
  }
  return true;
}

/** This CPU's warm-up has settled. */
export function noteSettled(kernel: Kernel): void {
  Barrier.arrived.add(kernel.mem, RunControl.settled.addr(kernel.symbol(SYMBOL)), 1);
}

export function settledCpus(kernel: Kernel): number {
  return Barrier.arrived.load(kernel.mem, RunControl.settled.addr(kernel.symbol(SYMBOL)));
}

export function setParkedBytes(kernel: Kernel, bytes: number): void {
  RunControl.parkedBytes.set(kernel.mem, kernel.symbol(SYMBOL), bytes);
}

export function parkedBytes(kernel: Kernel): number {
  return RunControl.parkedBytes.get(kernel.mem, kernel.symbol(SYMBOL));
}
