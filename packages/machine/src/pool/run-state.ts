// The main thread's view of a run in progress: each CPU's outcome as it
// arrives, the first failure, and a way to sleep until the next outcome.
import type { CpuFailure, CpuOutcome } from './types.js';

/** Per-CPU outcome of a run as it settles, and a way to wait for the next one. */
export class RunState<R> {
  readonly outcomes: (CpuOutcome<R> | undefined)[];
  settledCount = 0;
  /** First failure in settle order: the crash that ends the run. */
  firstFailure: { cpu: number; error: CpuFailure } | undefined;
  private wake: (() => void) | undefined;

  constructor(readonly cpus: number) {
    this.outcomes = new Array<CpuOutcome<R> | undefined>(cpus).fill(undefined);
  }

  settle(cpu: number, o: CpuOutcome<R>): void {
    if (this.outcomes[cpu] !== undefined) return;
    this.outcomes[cpu] = o;
    this.settledCount++;
    if (!o.ok && this.firstFailure === undefined) this.firstFailure = { cpu, error: o.error };
    this.wake?.();
  }

  get allSettled(): boolean {
    return this.settledCount === this.cpus;
  }

  /** Resolve after `ms` or as soon as another CPU settles. */
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  /** Results of the CPUs that returned, indexed by CPU. */
  partialResults(): unknown[] {
    return this.outcomes.map((o) => (o?.ok ? o.result : undefined));
  }
}
