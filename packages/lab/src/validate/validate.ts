// `percpu-lab validate`: does the virtual engine, priced with a profile
// (the host's calibrated one by default), predict what the threads engine
// measures here? Both engines run every operating point — each work-ns ×
// footprint × CPU count, plus one oversubscribed CPU count — with the same
// flags; the derived work-ns is derived once, on threads, and passed to
// both as a number. Each point reports its throughput ratio virtual /
// threads, the threads figure's 95 % interval over the repeats, and whether
// the virtual figure lies inside that interval. The ratio is judged against
// the tolerance only where the interval is narrower than the tolerance (both
// its ends within ±tolerance of the median): a wider interval cannot tell a
// model error of that size from the host's spread, and the row says so.
// Oversubscribed points and threads points the host disturbed in every
// repeat are shown but not judged either (time-sliced CPUs and other
// people's jobs are not the model's to predict).
import {
  measure, operatingPoints, pointFlags, pointLabel, resolveDerivedWork, workNsOf,
  threadsInterval, threadsRate, type OperatingPoint, type Reading, type ScenarioRunner, type ThreadsRate, type WorkSetting,
} from '../calibrate/points.js';
import { relativeHalfWidth, type Interval } from '../stats/interval.js';

export interface ValidateOptions {
  runner: ScenarioRunner;
  strategies: readonly string[];
  work: readonly WorkSetting[];
  footprints: readonly (string | null)[];
  /** Judged CPU counts. */
  cpus: readonly number[];
  /** One more CPU count, beyond the host's cores: shown, never judged. */
  oversubscribedCpus: number;
  /** --profile of the virtual runs. */
  profile: string;
  ops: number;
  repeats: number;
  /** Largest |ratio − 1| that passes. */
  tolerance: number;
  /** The threads-engine rate the ratios divide by. */
  rate: ThreadsRate;
  log(line: string): void;
}

export interface ValidationRow {
  strategy: string;
  point: OperatingPoint;
  workNs: number;
  oversubscribed: boolean;
  threads: Reading;
  virtual: number;
  /** virtual / threads throughput (the wall-clock or on-core rate, as asked). */
  ratio: number;
  /** 95 % interval of the threads rate over the repeats; null with too few repeats for one. */
  interval: Interval | null;
  /** The virtual figure lies inside the threads interval; null without an interval. */
  inside: boolean | null;
  /** The interval is narrower than the tolerance: both its ends within ±tolerance of its median. */
  narrow: boolean;
  within: boolean;
  /** Counted in the verdict: not oversubscribed, not disturbed in every repeat, an interval narrower than the tolerance. */
  judged: boolean;
}

export interface Validation {
  derivedWorkNs: { footprint: string | null; workNs: number }[];
  rows: ValidationRow[];
  verdict: {
    judged: number;
    within: number;
    disturbed: number;
    oversubscribed: number;
    /** Not judged because the threads interval is wider than the tolerance, or missing (too few repeats). */
    wide: number;
    /** Rows with an interval, and of those the ones whose virtual figure lies inside it. */
    withInterval: number;
    inside: number;
    pass: boolean;
  };
}

export async function validate(o: ValidateOptions): Promise<Validation> {
  // The mm path alone, as calibrate measured it: the engines compare on the same work.
  const common = { workload: 'doexec', strategy: o.strategies.join(','), seed: '1', ops: String(o.ops), binary: 'none' };
  const derived = await resolveDerivedWork(o.runner, common, o.work, o.footprints);
  const points = operatingPoints(o.work, o.footprints, [...o.cpus, o.oversubscribedCpus]);
  const rows: ValidationRow[] = [];
  for (const [i, point] of points.entries()) {
    const workNs = workNsOf(point, derived);
    const flags = { ...common, ...pointFlags(point, workNs) };
    o.log(`[${i + 1}/${points.length}] ${pointLabel(point, workNs)}: threads engine (${o.repeats} repeat(s)), then virtual`);
    const threads = await measure(o.runner, { ...flags, engine: 'threads' }, o.repeats);
    const virtual = await o.runner({ ...flags, engine: 'virtual', profile: o.profile });
    const oversubscribed = point.cpus === o.oversubscribedCpus;
    for (const t of threads) {
      const v = virtual.points.find((p) => p.strategy === t.strategy)!.throughput;
      const ratio = v / threadsRate(t, o.rate);
      const within = Math.abs(ratio - 1) <= o.tolerance;
      const interval = threadsInterval(t, o.rate);
      const inside = interval && interval.lo <= v && v <= interval.hi;
      const narrow = interval !== null && relativeHalfWidth(interval) <= o.tolerance;
      rows.push({
        strategy: t.strategy, point, workNs, oversubscribed, threads: t, virtual: v, ratio, interval, inside, narrow, within,
        judged: !oversubscribed && !t.disturbed && narrow,
      });
    }
  }
  const judged = rows.filter((r) => r.judged);
  const within = judged.filter((r) => r.within).length;
  const withInterval = rows.filter((r) => r.interval !== null);
  return {
    derivedWorkNs: [...derived].map(([footprint, workNs]) => ({ footprint, workNs })),
    rows,
    verdict: {
      judged: judged.length,
      within,
      disturbed: rows.filter((r) => !r.oversubscribed && r.threads.disturbed).length,
      oversubscribed: rows.filter((r) => r.oversubscribed).length,
      wide: rows.filter((r) => !r.oversubscribed && !r.threads.disturbed && !r.narrow).length,
      withInterval: withInterval.length,
      inside: withInterval.filter((r) => r.inside).length,
      pass: judged.length > 0 && within === judged.length,
    },
  };
}
