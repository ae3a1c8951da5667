// Repeats → one row per (workload, engine, strategy, CPUs): the median and
// spread of throughput with its 95 % interval, a noisy flag, speedup and
// efficiency against the smallest CPU count of the same series (with its
// interval), and per-lock medians with the share of CPU time spent waiting
// on each lock (with its interval). Repeats the host disturbed (threads
// engine) are left out when any undisturbed one remains. Where the points
// know the round they ran in, speedup is the median of the round-by-round
// ratios (stats/interval.ts); otherwise the ratio of the medians.
import { SPLIT_PARTS, type SplitPart } from '../cost-model/index.js';
import type { LifetimeSplit, LockNumbers, SummaryLock, SummaryRow } from '../results/schema.js';
import { median, spreadOf } from '../stats/median.js';
import { medianInterval, roundRatios, type Interval, type RoundSample } from '../stats/interval.js';
import { SweepMismatchError } from './errors.js';
import { machineName, type PointView } from './point-view.js';

const LOCK_FIELDS = ['acquisitions', 'contentions', 'waitTotalNs', 'holdTotalNs', 'conBounces', 'acqBounces', 'waitShare'] as const;

function lockMedians(points: readonly PointView[]): Record<string, SummaryLock> {
  const classes = [...new Set(points.flatMap((p) => Object.keys(p.locks)))].sort();
  const out: Record<string, SummaryLock> = {};
  for (const cls of classes) {
    const of = (p: PointView): LockNumbers | undefined => p.locks[cls];
    const row = {} as SummaryLock;
    for (const f of LOCK_FIELDS) row[f] = median(points.map((p) => of(p)?.[f] ?? 0));
    row.waitShareCi = medianInterval(points.map((p) => of(p)?.waitShare ?? 0));
    out[cls] = row;
  }
  return out;
}

function splitMedians(splits: readonly LifetimeSplit[]): LifetimeSplit | null {
  if (splits.length === 0) return null;
  const of = (f: (s: LifetimeSplit) => number) => median(splits.map(f));
  const classes = [...new Set(splits.flatMap((s) => Object.keys(s.wait)))].sort();
  const parts = Object.fromEntries(SPLIT_PARTS.map((part) => [part, of((s) => s[part])])) as Record<SplitPart, number>;
  return { ...parts, wait: Object.fromEntries(classes.map((c) => [c, of((s) => s.wait[c] ?? 0)])) };
}

const seriesKey = (p: { workload: string; engine: string; strategy: string }): string =>
  `${p.workload}\u0000${p.engine}\u0000${p.strategy}`;

/** Aggregate point views (any order, any number of repeats) into sorted summary rows. */
export function summarise(points: readonly PointView[], noiseThreshold: number): SummaryRow[] {
  const groups = new Map<string, PointView[]>();
  for (const p of points) {
    const k = `${seriesKey(p)}\u0000${p.cpus}\u0000${p.machine === null ? '' : machineName(p.machine)}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(p);
  }
  const rows: SummaryRow[] = [];
  for (const all of groups.values()) {
    const clean = all.filter((p) => p.disturbed !== true);
    const g = clean.length > 0 ? clean : all;
    const first = g[0]!;
    const src = (p: PointView) => p.strategySource?.sha256 ?? null;
    const other = g.find((p) => src(p) !== src(first));
    if (other !== undefined) {
      throw new SweepMismatchError(`${first.strategy} at ${first.cpus} CPUs was measured with different strategy files ` +
        `(${first.strategySource?.path ?? 'built-in'} ${src(first)?.slice(0, 12) ?? ''}, ${other.strategySource?.path ?? 'built-in'} ${src(other)?.slice(0, 12) ?? ''}); rerun into a fresh directory`);
    }
    const throughput = spreadOf(g.map((p) => p.throughput));
    const repeatThroughputs = g.map((p) => ({ round: p.round ?? null, value: p.throughput }));
    const percpus = g.map((p) => p.percpu).filter((x) => x !== null);
    rows.push({
      workload: first.workload,
      engine: first.engine,
      strategy: first.strategy,
      strategySource: first.strategySource,
      cpus: first.cpus,
      repeats: g.length,
      throughput,
      repeatThroughputs,
      throughputCi: medianInterval(repeatThroughputs.map((x) => x.value)),
      noisy: g.length > 1 && throughput.spread > noiseThreshold,
      lifetimes: median(g.map((p) => p.lifetimes)),
      speedup: NaN,
      speedupCi: null,
      efficiency: NaN,
      locks: lockMedians(g),
      percpu: percpus.length
        ? { bytesInUse: median(percpus.map((x) => x.bytesInUse)), bytesParked: median(percpus.map((x) => x.bytesParked)) }
        : null,
      timeSplit: splitMedians(g.map((p) => p.timeSplit).filter((x) => x !== null)),
      machine: first.machine,
      disturbed: clean.length === 0,
    });
  }
  rows.sort(
    (a, b) =>
      a.workload.localeCompare(b.workload) ||
      a.engine.localeCompare(b.engine) ||
      a.strategy.localeCompare(b.strategy) ||
      a.cpus - b.cpus,
  );
  // Rows are sorted by CPUs within a series, so the first row of each series is its reference.
  let ref: SummaryRow | undefined;
  for (const r of rows) {
    if (!ref || seriesKey(ref) !== seriesKey(r)) ref = r;
    const paired = r === ref ? null : pairedRatio(r, ref);
    r.speedup = paired?.median ?? r.throughput.median / ref.throughput.median;
    r.speedupCi = paired?.interval ?? null;
    r.efficiency = r.speedup / (r.cpus / ref.cpus);
  }
  return rows;
}

/** The repeats of a row with their rounds, or null when any of them does not know its round. */
export function roundSamples(r: SummaryRow): RoundSample[] | null {
  const known = r.repeatThroughputs.filter((x): x is RoundSample => x.round !== null);
  return known.length === r.repeatThroughputs.length ? known : null;
}

/**
 * `num` over `den` round by round: the median of the per-round ratios and
 * its interval (null with too few pairs); null when either row's repeats do
 * not know their rounds or no round holds both.
 */
export function pairedRatio(num: SummaryRow, den: SummaryRow): { median: number; interval: Interval | null; pairs: number } | null {
  const a = roundSamples(num);
  const b = roundSamples(den);
  if (a === null || b === null) return null;
  const ratios = roundRatios(a, b);
  return ratios.length === 0 ? null : { median: median(ratios), interval: medianInterval(ratios), pairs: ratios.length };
}
