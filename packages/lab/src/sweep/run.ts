// Runs a sweep: every point of the matrix (or of one shard of it) that the
// output directory does not hold yet, one engine run per point, each result
// saved as soon as it is known. Stopping a sweep at any moment loses at most
// the points in flight; running the same command again picks up from there.
//
// Virtual-engine points run `jobs` at a time (the runner puts them on worker
// threads); threads-engine points run one at a time and never alongside
// another point, round by round: every strategy at every CPU count once,
// then again for the next repeat in the opposite order, so slow drift on the
// host hits all of them alike, their ratios within a round cancel it, and
// drift within a round favours none of them over the rounds. Running points
// side by side must not change a byte of any result, so two things keep the
// order a serial sweep has: the doexec work per cycle, when the sweep leaves
// it to be derived, is derived by the point of each series (workload,
// engine) that starts first and then pinned for the rest of the series,
// which wait for it (the derivation does not depend on the point that makes
// it); and every other input of a point depends on the point alone. Among
// themselves the parallel points go heaviest first (progress.ts,
// pointWeight: CPUs × ops × machine CPUs), so a long point never starts last
// and the lanes finish together; only a series whose work is still to be
// derived starts with its lightest point, which derives it while the others
// wait.
import { si } from '../report/units.js';
import { speedText } from '../engine/virtual/speed.js';
import { SweepPointFailed } from './errors.js';
import { pointWeight, type SweepProgress } from './progress.js';
import { derivedWorkNs, incompleteReason, recordedSpeed, resultPoints } from './result-adapter.js';
import { shardPoints, type Shard } from './shard.js';
import { sweepPoints, type SweepPoint, type SweepSpec } from './spec.js';
import type { SweepStore } from './store.js';

/** Runs one point on its engine and returns the engine's result JSON. */
export type PointRunner = (point: SweepPoint, scenario: Record<string, unknown>) => Promise<unknown>;

export interface SweepRunOptions {
  shard?: Shard;
  progress: SweepProgress;
  /** Wall-clock milliseconds, for the per-point timing in progress lines. */
  now: () => number;
  /** Points that may run alongside others (virtual engine) run this many at a time; 1 runs the sweep serially. */
  jobs: number;
  /** Lines worth showing once (how the work per cycle was derived). */
  log: (line: string) => void;
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

/** Virtual points are deterministic computations in one thread; threads points need the host's cores to themselves. */
export function runsAlongside(p: SweepPoint): boolean {
  return p.engine === 'virtual';
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
  const speed = recordedSpeed(result);
  return `${p.workload} ${p.engine} ${p.strategy} cpus=${p.cpus} r${p.repeat}: ${si(view.throughput)} lifetimes/s (${(ms / 1000).toFixed(2)} s${speed ? `, ${speedText(p.workload, speed)}` : ''})`;
}

const seriesOf = (p: SweepPoint): string => `${p.workload}/${p.engine}`;

/**
 * The order virtual points start in, `points` being in the matrix's order:
 * heaviest first (ties in the matrix's order); when the work per cycle is
 * still to be derived, the lightest point of each series (the first of the
 * lightest) before them all — it derives the work, which does not depend on
 * the point, while the others wait. Serial and parallel sweeps use this one
 * order, so the same point derives the work and writes the same file.
 */
export function laneOrder(spec: SweepSpec, points: readonly SweepPoint[]): SweepPoint[] {
  const heaviestFirst = [...points].sort((a, b) => pointWeight(spec, b) - pointWeight(spec, a));
  if (spec.run.workNs !== undefined) return heaviestFirst;
  const lead = new Map<string, SweepPoint>();
  for (const p of points) {
    const l = lead.get(seriesOf(p));
    if (l === undefined || pointWeight(spec, p) < pointWeight(spec, l)) lead.set(seriesOf(p), p);
  }
  const leads = new Set(lead.values());
  return [...points.filter((p) => leads.has(p)), ...heaviestFirst.filter((p) => !leads.has(p))];
}

/**
 * Run `points` in order on `lanes` lanes. The first failure stops every lane
 * from taking a new point; points in flight finish (and are saved), then the
 * failure is thrown.
 */
async function runLanes(points: readonly SweepPoint[], lanes: number, run: (p: SweepPoint, stopped: () => boolean) => Promise<void>): Promise<void> {
  const queue = [...points];
  const failures: unknown[] = [];
  const stopped = () => failures.length > 0;
  const lane = async () => {
    for (let p = queue.shift(); p !== undefined && !stopped(); p = queue.shift()) {
      try {
        await run(p, stopped);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  if (stopped()) throw failures[0];
}

export async function runSweep(store: SweepStore, runner: PointRunner, opts: SweepRunOptions): Promise<SweepRunSummary> {
  const spec = store.spec;
  const points = shardPoints(sweepPoints(spec), opts.shard);
  const todo = points.filter((p) => !store.has(p.key));
  // Threads points one by one, round by round, each round in the other direction (A B … B A) so drift within a
  // round favours no point; then the virtual ones, `jobs` at a time.
  const virtual = todo.filter(runsAlongside);
  const alone = todo.filter((p) => !runsAlongside(p)).sort((a, b) => a.repeat - b.repeat || (a.repeat % 2 === 0 ? a.index - b.index : b.index - a.index));
  // Per series, what its first point left the others: the work per cycle it derived (null: given, or not an
  // mm-cycle workload), or 'failed' when it did not complete and the sweep is stopping.
  const pinned = new Map<string, Promise<number | null | 'failed'>>();
  let ran = 0;

  const runPoint = async (p: SweepPoint, stopped: () => boolean): Promise<void> => {
    let input = pointScenario(spec, p);
    let settle: ((workNs: number | null | 'failed') => void) | undefined;
    if (input.workNs === undefined) {
      const pin = pinned.get(seriesOf(p));
      if (pin === undefined) pinned.set(seriesOf(p), new Promise((resolve) => (settle = resolve)));
      else {
        const workNs = await pin;
        if (workNs === 'failed' || stopped()) return;
        if (workNs !== null) input = { ...input, workNs };
      }
    }
    try {
      const start = opts.now();
      const result = await runner(p, input);
      const failed = incompleteReason(result);
      if (failed) {
        throw new SweepPointFailed(`point ${p.key} did not complete (${failed}); finished points are saved, rerun the same command to resume`);
      }
      // Validate before saving, so a resumed sweep never trusts a file the report cannot read.
      const line = pointLine(p, result, opts.now() - start, p.key);
      store.write(p.key, result);
      ran++;
      const derived = derivedWorkNs(result);
      if (settle && derived) for (const l of derived.lines) opts.log(l);
      settle?.(derived?.value ?? null);
      opts.progress.pointDone(p, line);
    } finally {
      // A no-op after success (a promise settles once).
      settle?.('failed');
    }
  };

  opts.progress.start(points.length, points.length - todo.length);
  const t0 = opts.now();
  try {
    await runLanes(alone, 1, runPoint);
    await runLanes(laneOrder(spec, virtual), Math.min(opts.jobs, virtual.length), runPoint);
  } finally {
    opts.progress.stop();
  }
  return { total: points.length, skipped: points.length - todo.length, ran, elapsedMs: opts.now() - t0 };
}
