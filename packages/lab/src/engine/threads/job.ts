// What each CPU worker of the threads engine runs for one point (the job
// module handed to runOnCpus): attach to the point's kernel, build this
// CPU's program, warm up until steady (warmup.ts), meet the other CPUs at
// the warm-up barrier (the
// last one zeroes the lock statistics), run the measured window by op count
// and/or deadline, meet again once everyone stopped producing (the last one
// notes the percpu memory parked in caches), give back what the program
// holds, drain this CPU's caches, and return this CPU's raw numbers.
//
// Deferred work (percpu balance) runs between steps, as on a kworker that
// gets the CPU at the next scheduling point. A stop request (another CPU
// crashed, the watchdog fired) ends the loop; the CPU then returns what it
// has, marked stopped, and skips finish(): it may have been stopped inside
// an operation, with locks held.
import { resetLockStats, RunStopped, runPendingWork, workqueuePendingIndex, type CpuContext } from '@percpu-lab/machine';
import { attachPoint } from '../../boot.js';
import { loadStrategyFile, type StrategySource } from '../../strategies/file.js';
import { instantiate, type CpuRun } from '../../workloads/instantiate.js';
import type { CpuRaw, PointSpec } from '../engine.js';
import { maybeInjectFault } from './fault.js';
import { noteSettled, runBarrier, setParkedBytes, settledCpus } from './control.js';
import { cpuDisturbance, schedSample, type CpuDisturbance } from './disturbance.js';
import { LIMIT_MS, steady, WINDOW_MS, type CpuWarmup } from './warmup.js';

export interface ThreadsJobArgs {
  spec: PointSpec;
  /** The point's strategy when it was loaded from a file: each worker loads the same file. */
  strategyFile: StrategySource | null;
}

export interface ThreadsCpuResult extends CpuRaw {
  /** The run was stopped before this CPU finished its window. */
  stopped: boolean;
  warmup: CpuWarmup;
  /** What the host took from this CPU's measured window; null without /proc. */
  disturbance: CpuDisturbance | null;
}

/** Steps between checks of the stop flag and the deadline when no op completes. */
const CHECK_EVERY = 16;

interface Window {
  ops: number;
  stopped: boolean;
}

/** Run steps until `quota` ops or `deadline` (ns on this CPU's clock); stop requests end it early. */
function runWindow(ctx: CpuContext<ThreadsJobArgs>, run: CpuRun, quota: number, deadline: number, measured: boolean): Window {
  const { cpu } = ctx;
  const fault = measured ? ctx.args.spec.fault : null;
  const pending = workqueuePendingIndex(ctx.kernel);
  const timed = deadline !== Infinity;
  let ops = 0;
  let steps = 0;
  try {
    while (ops < quota) {
      const n = run.program.step();
      runPendingWork(cpu, pending);
      if (n > 0) {
        ops += n;
        ctx.progress();
        if (maybeInjectFault(ctx, fault, ops)) return { ops, stopped: true };
        if (timed && cpu.now() >= deadline) break;
      }
      if (++steps % CHECK_EVERY === 0) {
        if (ctx.shouldStop()) return { ops, stopped: true };
        if (timed && cpu.now() >= deadline) break;
      }
    }
  } catch (e) {
    if (e instanceof RunStopped) return { ops, stopped: true };
    throw e;
  }
  return { ops, stopped: false };
}

/** Before the start barrier: register a strategy file's strategy in this worker, as the main thread did. */
export async function cpuPrepare(args: ThreadsJobArgs): Promise<void> {
  if (args.strategyFile !== null) await loadStrategyFile(args.strategyFile.path, args.strategyFile.sha256);
}

/**
 * The minimum warm-up, then windows until this CPU is steady and every CPU
 * has said so, or the time limit. --warmup 0 means no warm-up at all (a
 * deliberately cold measurement).
 */
function warmUp(ctx: CpuContext<ThreadsJobArgs>, run: CpuRun, w: CpuWarmup): boolean {
  const { cpu, kernel, cpus, args: { spec } } = ctx;
  const t0 = cpu.now();
  const first = runWindow(ctx, run, spec.warmupOps, Infinity, false);
  w.ops = first.ops;
  if (first.stopped || spec.warmupOps === 0) return !first.stopped;
  const limit = t0 + LIMIT_MS * 1e6;
  while (settledCpus(kernel) < cpus) {
    const s0 = schedSample();
    const start = cpu.now();
    // Only whole windows are judged: one cut short by the limit would be noise.
    if (start + WINDOW_MS * 1e6 > limit) break;
    const win = runWindow(ctx, run, Infinity, start + WINDOW_MS * 1e6, false);
    const end = cpu.now();
    const s1 = schedSample();
    w.ops += win.ops;
    if (win.stopped) return false;
    // Run-queue delay taken out where the kernel reports it: the host's preemptions must not pass for JIT progress.
    const onCoreNs = cpuDisturbance(s0, s1, end - start)?.onCoreNs ?? end - start;
    w.windowRates.push(win.ops / (onCoreNs / 1e9));
    if (!w.settled && steady(w.windowRates)) {
      w.settled = true;
      noteSettled(kernel);
    }
  }
  w.ns = cpu.now() - t0;
  return true;
}

export function cpuMain(ctx: CpuContext<ThreadsJobArgs>): ThreadsCpuResult {
  const { kernel, cpu, args: { spec } } = ctx;
  const attached = attachPoint(kernel, spec);
  const run = instantiate(kernel, cpu, spec, attached);
  const warmup: CpuWarmup = { ops: 0, ns: 0, windowRates: [], settled: false };
  let disturbance: CpuDisturbance | null = null;
  const result = (ops: number, elapsedNs: number, stopped: boolean): ThreadsCpuResult => ({
    cpu: cpu.id, ops, elapsedNs, latency: run.rec.snapshot(), tally: run.rec.tally, stopped, warmup, disturbance,
  });

  if (!warmUp(ctx, run, warmup) || !runBarrier(kernel, 'warm', ctx.cpus, ctx.shouldStop, () => resetLockStats(kernel))) {
    return result(0, 0, true);
  }
  run.rec.resetLatency();

  const sched0 = schedSample();
  const t0 = cpu.now();
  const deadline = spec.durationNs === null ? Infinity : t0 + spec.durationNs;
  const w = runWindow(ctx, run, spec.opsPerCpu ?? Infinity, deadline, true);
  const elapsedNs = cpu.now() - t0;
  disturbance = cpuDisturbance(sched0, schedSample(), elapsedNs);
  const noteParked = () => setParkedBytes(kernel, attached.mm.parkedPercpuBytes());
  if (w.stopped || !runBarrier(kernel, 'done', ctx.cpus, ctx.shouldStop, noteParked)) return result(w.ops, elapsedNs, true);
  run.program.finish();
  if (!runBarrier(kernel, 'finished', ctx.cpus, ctx.shouldStop)) return result(w.ops, elapsedNs, true);
  attached.mm.drainCaches?.(cpu);
  runPendingWork(cpu);
  return result(w.ops, elapsedNs, false);
}
