// Runs a sweep: every point of the matrix (or of one shard of it) that the
// output directory does not hold yet, one engine run per point, each result
// saved as soon as it is known. Stopping a sweep at any moment loses at most
// the point in flight; running the same command again picks up from there.
import { si } from '../charts/format.js';
import { SweepPointFailed } from './errors.js';
import { incompleteReason, resultPoints } from './result-adapter.js';
import { shardPoints, type Shard } from './shard.js';
import { sweepPoints, type SweepPoint, type SweepSpec } from './spec.js';
import type { SweepStore } from './store.js';
import type { SweepProgress } from './progress.js';

/** Runs one point on its engine and returns the engine's result JSON. */
export type PointRunner = (point: SweepPoint, scenario: Record<string, unknown>) => Promise<unknown>;

export interface SweepRunOptions {
  shard?: Shard;
  progress: SweepProgress;
  /** Wall-clock milliseconds, for the per-point timing in progress lines. */
  now: () => number;
}

export interface SweepRunSummary {
  /** Points of this shard. */
  total: number;
  /** Points found already done in the output directory. */
  skipped: number;
  ran: number;
  /** Wall-clock time of the points run now (ms). */
  elapsedMs: number;
}

/**
 * The scenario input of one point: the sweep's run options plus this cell
 * of the matrix. Repeats differ by seed so that they are independent
 * runs (on the virtual engine, the same seed would give the same numbers).
 */
export function pointScenario(spec: SweepSpec, p: SweepPoint): Record<string, unknown> {
  // Virtual-engine options do not apply to threads points of a mixed-engine sweep.
  const { profile, ...shared } = spec.run;
  return {
    // Every point of a sweep runs on one machine, as `run` does: the largest CPU count unless the spec names one.
    machineCpus: Math.max(...spec.cpus),
    ...shared,
    ...(p.engine === 'virtual' ? { profile } : {}),
    workload: p.workload,
    engine: p.engine,
    strategies: [p.strategy],
    cpus: [p.cpus],
    seed: (typeof spec.run.seed === 'number' ? spec.run.seed : 1) + p.repeat,
  };
}

function pointLine(p: SweepPoint, result: unknown, ms: number, key: string): string {
  const view = resultPoints(result, key)[0]!;
  return `${p.workload} ${p.engine} ${p.strategy} cpus=${p.cpus} r${p.repeat}: ${si(view.throughput)} lifetimes/s (${(ms / 1000).toFixed(2)} s)`;
}

export async function runSweep(store: SweepStore, runner: PointRunner, opts: SweepRunOptions): Promise<SweepRunSummary> {
  const points = shardPoints(sweepPoints(store.spec), opts.shard);
  const todo = points.filter((p) => !store.has(p.key));
  opts.progress.start(points.length, points.length - todo.length);
  const t0 = opts.now();
  try {
    for (const p of todo) {
      const start = opts.now();
      const result = await runner(p, pointScenario(store.spec, p));
      const failed = incompleteReason(result);
      if (failed) {
        throw new SweepPointFailed(`point ${p.key} did not complete (${failed}); finished points are saved, rerun the same command to resume`);
      }
      // Validate before saving, so a resumed sweep never trusts a file the report cannot read.
      const line = pointLine(p, result, opts.now() - start, p.key);
      store.write(p.key, result);
      opts.progress.pointDone(p, line);
    }
  } finally {
    opts.progress.stop();
  }
  return { total: points.length, skipped: points.length - todo.length, ran: todo.length, elapsedMs: opts.now() - t0 };
}
