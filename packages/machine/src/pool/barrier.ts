// The start barrier, in kernel memory, shaped like x86 SMP boot: each
// secondary CPU sets its callin word when it is ready and then waits for its
// callout word; the boot side (main thread) waits until every CPU has called
// in and then releases them all at once. Only per-CPU words are written, so
// no shared counter is needed. A CPU can only call in while its task runs on
// a worker, so "all CPUs called in" also proves the tasks sit on distinct
// workers: two tasks queued on one worker would never both arrive.
import { CpuArea, CpuState, cpuAreaAddr } from '../cpu.js';
import { RunStopped } from '../errors.js';
import type { Kernel } from '../kernel.js';

/** How long a waiting CPU sleeps before it re-checks for a stop request. */
const WAIT_SLICE_MS = 50;

/** Boot side: clear the control blocks of CPUs 0..cpus-1 before a run. */
export function barrierReset(kernel: Kernel, cpus: number): void {
  const m = kernel.mem;
  for (let c = 0; c < cpus; c++) {
    const a = cpuAreaAddr(kernel, c);
    CpuArea.state.store(m, a, CpuState.Offline);
    CpuArea.callin.store(m, a, 0);
    CpuArea.callout.store(m, a, 0);
    CpuArea.progress.store(m, a, 0);
    CpuArea.waitingOn.store(m, a, 0);
  }
}

/** Boot side: how many of CPUs 0..cpus-1 have called in. */
export function barrierArrived(kernel: Kernel, cpus: number): number {
  let n = 0;
  for (let c = 0; c < cpus; c++) n += CpuArea.callin.load(kernel.mem, cpuAreaAddr(kernel, c));
  return n;
}

/** Boot side: release every CPU waiting at the barrier. */
export function barrierRelease(kernel: Kernel, cpus: number): void {
  const m = kernel.mem;
  for (let c = 0; c < cpus; c++) {
    const a = cpuAreaAddr(kernel, c);
    CpuArea.callout.store(m, a, 1);
    Atomics.notify(m.i32, CpuArea.callout.index(a));
  }
}

/** CPU side: call in, then sleep until released (or the run is stopped). */
export function barrierWait(kernel: Kernel, cpu: number): void {
  const m = kernel.mem;
  const a = cpuAreaAddr(kernel, cpu);
  CpuArea.callin.store(m, a, 1);
  const idx = CpuArea.callout.index(a);
  while (Atomics.load(m.i32, idx) === 0) {
    Atomics.wait(m.i32, idx, 0, WAIT_SLICE_MS);
    if (kernel.stopRequested() !== 0) throw new RunStopped(`CPU ${cpu} stopped at the start barrier`);
  }
}
