// The CPU pool of the threads engine: worker threads that each become one
// emulated CPU of a run, all attached to that run's kernel memory, started
// together by a barrier — and kept, warm, for the next run.
//
// A run is one task per CPU on a piscina pool with minThreads = maxThreads
// = the pool's size, never more tasks than threads, so each task gets an
// idle worker of its own (piscina's balancer takes the first idle one);
// atomics: 'disabled' keeps piscina's own Atomics.wait out of the workers.
// Between runs the workers stay up with everything they compiled: the next
// run's tasks carry a new kernel (a new SharedArrayBuffer) and attach to it,
// so V8 warms the model once per pool, not once per point. A run that needs
// more CPUs than the pool has rebuilds it larger. CPU k's thread is bound to
// the k-th host core the process may use (affinity.ts), when there are
// enough cores and the host allows it.
//
// While the CPUs run, the main thread supervises:
//   - a CPU whose job throws (or whose worker dies) ends the run at once with
//     CpuCrashed, naming the CPU, the cause, and any lock others wait for;
//   - a lock that CPUs wait for but whose holder finished or died can never
//     be released: Deadlock, at the next check;
//   - no progress on any CPU for watchdogMs: WatchdogTimeout (or Deadlock if
//     every running CPU is waiting for a lock), naming lock, holder, waiters.
// In every failure the other CPUs are asked to stop (kernel.requestStop),
// given a short grace period to return partial results, and the error
// carries whatever they returned. The workers of a failed run are then
// destroyed — destroy(), not close(), which would wait for a CPU parked on
// a lock — and the next run starts fresh ones: a worker may still be parked
// in the dead kernel, or have died, or hold module state a crash left
// half-done, and a pool must never hand a run a worker it cannot trust.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { CpuArea, CpuState, cpuAreaAddr } from '../cpu.js';
import type { Kernel } from '../kernel.js';
import { coresFor } from './affinity.js';
import { barrierArrived, barrierRelease, barrierReset } from './barrier.js';
import { allStuck, describeWaits, isOrphaned, lockWaits } from './diagnose.js';
import { CpuCrashed, Deadlock, PoolError, StartTimeout, WatchdogTimeout, WorkerEntryMissing } from './errors.js';
import { spinCalibration } from './host.js';
import { describeFailure } from './outcome.js';
import { RunState } from './run-state.js';
import type { CpuOutcome, CpuTask, RunOnCpusOptions } from './types.js';

/** Compiled worker entry (workers/cpu.ts), found from this file's place in the workspace. */
const WORKER_ENTRY = new URL('../../../../../workers/dist/cpu.js', import.meta.url);

export const DEFAULT_WATCHDOG_MS = 5000;
/** Workers must reach the start barrier within this (spawning 8 on 2 cores takes well under 1 s). */
const START_TIMEOUT_MS = 30_000;
/** After a stop request, how long the other CPUs get to return what they have. */
const STOP_GRACE_MS = 500;

/** Stop reasons written to the kernel header; CPUs only test for non-zero. */
export const enum StopReason {
  None = 0,
  Crash = 1,
  Watchdog = 2,
}

export interface CpuPoolOptions {
  /** Start at least this many workers, so runs of up to this many CPUs share them (default: the first run's CPUs). */
  minThreads?: number;
}

/** What a run on the pool returns besides the CPUs' results. */
export interface PoolRun<R> {
  /** Indexed by CPU. */
  results: R[];
  /** The worker thread each CPU ran on, indexed by CPU. */
  threadIds: number[];
  /** The host core each CPU's thread was bound to, indexed by CPU; null: left to the host scheduler. */
  cores: (number | null)[];
  /** Runs these workers had completed before this one (0: they started cold for it). */
  warmRuns: number;
  /** Sets of workers this pool has started so far (a failed run or a larger one starts a new set). */
  generation: number;
}

export class CpuPool {
  private piscina: Piscina | null = null;
  private size = 0;
  private busy = false;
  private runsOnWorkers = 0;
  private generations = 0;

  constructor(private readonly opts: CpuPoolOptions = {}) {}

  /** Thread ids of the current workers (empty before the first run and after a failure). */
  get threadIds(): number[] {
    return this.piscina === null ? [] : this.piscina.threads.map((t) => t.threadId);
  }

  /**
   * Run `job` once on each of CPUs 0..cpus-1 of `kernel`, each on its own
   * worker, started together; resolve with the results indexed by CPU. One
   * run at a time per pool; a run resets CPUs 0..cpus-1's control blocks.
   */
  async run<A, R>(opts: RunOnCpusOptions<A>): Promise<PoolRun<R>> {
    const { kernel, cpus, job, seed } = opts;
    const watchdogMs = opts.watchdogMs ?? DEFAULT_WATCHDOG_MS;
    if (!Number.isInteger(cpus) || cpus < 1 || cpus > kernel.nrCpus) {
      throw new PoolError(`cpus must be an integer in 1..${kernel.nrCpus} (the kernel's possible CPUs), got ${cpus}`);
    }
    if (kernel.isBooting) throw new PoolError('publish() the kernel before running CPUs on it');
    if (!existsSync(fileURLToPath(WORKER_ENTRY))) {
      throw new WorkerEntryMissing(`CPU worker entry ${fileURLToPath(WORKER_ENTRY)} is missing; run \`pnpm build\` first`);
    }
    if (this.busy) throw new PoolError('this CPU pool is already running a kernel; runs on one pool go one at a time');
    this.busy = true;
    try {
      const pool = await this.workers(cpus);
      const warmRuns = this.runsOnWorkers;
      barrierReset(kernel, cpus);
      kernel.requestStop(StopReason.None);
      const run = new RunState<R>(cpus);
      const threadIds = new Array<number>(cpus).fill(-1);
      const bound = new Array<number | null>(cpus).fill(null);
      const cores = coresFor(cpus);
      const nsPerIter = spinCalibration();
      for (let c = 0; c < cpus; c++) {
        const task: CpuTask<A> = { sab: kernel.mem.sab, cpu: c, cpus, seed, nsPerIter, core: cores[c]!, module: job.module, args: job.args };
        pool.run(task).then(
          (o: CpuOutcome<R>) => {
            threadIds[c] = o.threadId;
            bound[c] = o.core;
            run.settle(c, o);
          },
          (e: unknown) => {
            // The worker itself died (process.exit, fatal error): the CPU cannot mark itself.
            CpuArea.state.store(kernel.mem, cpuAreaAddr(kernel, c), CpuState.Dead);
            const error = { name: 'WorkerDied', message: e instanceof Error ? e.message : String(e), stack: '' };
            run.settle(c, { ok: false, threadId: -1, core: null, error });
          },
        );
      }
      try {
        await startAll(kernel, run);
        await supervise(kernel, run, watchdogMs);
      } catch (e) {
        await this.destroy();
        throw e;
      }
      this.runsOnWorkers++;
      return {
        results: run.outcomes.map((o) => (o as { ok: true; result: R }).result),
        threadIds,
        cores: bound,
        warmRuns,
        generation: this.generations,
      };
    } finally {
      this.busy = false;
    }
  }

  /** Terminate the workers (even ones parked in Atomics.wait); the next run starts new ones. */
  async destroy(): Promise<void> {
    const p = this.piscina;
    this.piscina = null;
    this.size = 0;
    this.runsOnWorkers = 0;
    await p?.destroy();
  }

  /** The current workers, or a new set when there are none or too few for `cpus`. */
  private async workers(cpus: number): Promise<Piscina> {
    if (this.piscina !== null && this.size >= cpus) return this.piscina;
    await this.destroy();
    const size = Math.max(cpus, this.opts.minThreads ?? 0);
    const pool = new Piscina({
      filename: WORKER_ENTRY.href,
      minThreads: size,
      maxThreads: size,
      atomics: 'disabled',
      idleTimeout: Infinity,
    });
    // A worker that dies without a task would otherwise surface as an unhandled 'error' event.
    pool.on('error', () => {});
    this.piscina = pool;
    this.size = size;
    this.generations++;
    return pool;
  }
}

async function startAll<R>(kernel: Kernel, run: RunState<R>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (barrierArrived(kernel, run.cpus) < run.cpus) {
    if (run.firstFailure !== undefined) await fail(kernel, run, crashed(kernel, run));
    if (Date.now() > deadline) {
      const missing = run.cpus - barrierArrived(kernel, run.cpus);
      await fail(kernel, run, new StartTimeout(`${missing} of ${run.cpus} CPUs did not reach the start barrier within ${START_TIMEOUT_MS} ms`));
    }
    await run.wait(2);
  }
  barrierRelease(kernel, run.cpus);
}

async function supervise<R>(kernel: Kernel, run: RunState<R>, watchdogMs: number): Promise<void> {
  const tick = Math.max(5, Math.min(100, watchdogMs / 5));
  const m = kernel.mem;
  const progress = new Int32Array(run.cpus);
  let lastChange = Date.now();
  for (;;) {
    if (run.firstFailure !== undefined) await fail(kernel, run, crashed(kernel, run));
    if (run.allSettled) return;
    await run.wait(tick);
    if (run.firstFailure !== undefined) continue;
    let moved = false;
    for (let c = 0; c < run.cpus; c++) {
      const p = CpuArea.progress.load(m, cpuAreaAddr(kernel, c));
      if (p !== progress[c]) moved = true;
      progress[c] = p;
    }
    const now = Date.now();
    if (moved) lastChange = now;
    const waits = lockWaits(kernel, run.cpus);
    // Act once the holder's outcome is in: a crash report says more than a deadlock.
    if (waits.some((w) => isOrphaned(w) && run.outcomes[w.holder] !== undefined)) {
      await fail(kernel, run, new Deadlock(waits, `deadlock: ${describeWaits(waits)}; a lock held by a CPU that finished or died is never released`));
    }
    if (now - lastChange >= watchdogMs) {
      const msg = `no CPU made progress for ${watchdogMs} ms: ${describeWaits(waits)}`;
      await fail(kernel, run, allStuck(kernel, run.cpus, waits) ? new Deadlock(waits, `deadlock, ${msg}`) : new WatchdogTimeout(waits, msg));
    }
  }
}

function crashed<R>(kernel: Kernel, run: RunState<R>): CpuCrashed {
  const { cpu, error } = run.firstFailure!;
  const waits = lockWaits(kernel, run.cpus);
  const mine = waits.filter((w) => w.holder === cpu);
  const held = mine.length > 0 ? `; it held a lock others wait for: ${describeWaits(mine)}` : '';
  return new CpuCrashed(cpu, describeFailure(error), waits, `CPU ${cpu} crashed: ${describeFailure(error)}${held}`);
}

/** Stop the other CPUs, give them a moment to return, then throw `err` with their results. */
async function fail<R>(kernel: Kernel, run: RunState<R>, err: PoolError): Promise<never> {
  kernel.requestStop(err instanceof CpuCrashed ? StopReason.Crash : StopReason.Watchdog);
  const deadline = Date.now() + STOP_GRACE_MS;
  while (!run.allSettled && Date.now() < deadline) await run.wait(deadline - Date.now());
  err.results = run.partialResults();
  throw err;
}
