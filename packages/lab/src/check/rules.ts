// Which metrics the regression gate compares, and how much change each may
// show before it counts. The virtual engine is deterministic (same scenario,
// seed and profile → same numbers), so its figures are judged by value with
// tight tolerances: any real change to the modelled paths moves them. The
// threads engine measures a shared, noisy host, so it is judged only on
// ratios taken within one run — speedup over its own 1-CPU point and
// throughput relative to the reference strategy, both round by round over
// interleaved repeats, so the host's drift cancels — and on lock figures.
// Its timing figures (those ratios, the share of time waiting on each lock)
// are samples, judged by their 95 % intervals (stats/interval.ts): a
// regression only when the whole current interval lies beyond the
// baseline's by more than the tolerance, and not judged at all when either
// side has too few repeats for an interval. Lock acquisitions per lifetime
// hardly depend on timing and are judged by value. A threads point the host
// disturbed (engine/threads/disturbance.ts) is not judged at all: its
// numbers measure the host as much as the model.
import type { SummaryRow } from '../results/schema.js';
import { pairedRatio } from '../sweep/aggregate.js';
import type { Interval } from '../stats/interval.js';

export type Direction = 'higher-is-better' | 'lower-is-better';

export interface MetricRule {
  /** Metric name in the table, e.g. "throughput" or "pcpu_lock acquisitions/lifetime". */
  name: string;
  direction: Direction;
  /** Allowed relative change in the bad direction. */
  relTol: number;
  /** Allowed absolute change in the bad direction (for values near zero). */
  absTol: number;
  /** How the value is printed. */
  unit: 'rate' | 'ratio' | 'share' | 'bytes' | 'count';
  /** 'value': the figures are compared; 'interval': their 95 % intervals are (threads timing figures). */
  judgedBy: 'value' | 'interval';
}

export interface MetricValue {
  rule: MetricRule;
  value: number;
  /** For figures judged by interval: the 95 % interval, or null with too few repeats for one. */
  interval: Interval | null;
  /** For figures judged by interval: the repeats (or, for ratios, the paired rounds) it comes from. */
  samples: number;
  /** A row it is computed from was disturbed by the host (threads engine): the gate skips it. */
  disturbed: boolean;
}

interface Sampled {
  interval: Interval | null;
  n: number;
}

export const VIRTUAL_REL_TOL = 0.01;
/** Threads timing figures: how far beyond the baseline's interval the current one must lie. */
export const THREADS_REL_TOL = 0.05;
/** Threads lock acquisitions per lifetime, judged by value. */
export const THREADS_COUNT_REL_TOL = 0.1;

/**
 * Metrics of one summary row. `ref` is the first strategy's row at the same
 * workload, engine and CPUs; `start` is the row's series at its smallest CPU
 * count, whose speedup is 1 by definition. A metric is marked disturbed
 * when a row it divides by or reads was disturbed by the host.
 */
export function rowMetrics(row: SummaryRow, ref: SummaryRow | undefined, start: SummaryRow): MetricValue[] {
  const virtual = row.engine === 'virtual';
  const rel = virtual ? VIRTUAL_REL_TOL : THREADS_REL_TOL;
  const seriesStart = start === row;
  const out: MetricValue[] = [];
  let from: (SummaryRow | undefined)[] = [row];
  /** A figure judged by value (every virtual one), or on threads a timing figure with its interval. */
  const add = (name: string, value: number, direction: Direction, unit: MetricRule['unit'], relTol: number, absTol = 0, sample?: Sampled) => {
    const disturbed = from.some((r) => r?.disturbed === true);
    const judgedBy = sample === undefined ? 'value' : 'interval';
    if (Number.isFinite(value)) {
      out.push({ rule: { name, direction, relTol, absTol, unit, judgedBy }, value, interval: sample?.interval ?? null, samples: sample?.n ?? 1, disturbed });
    }
  };
  /** Threads timing figures carry their interval and sample count; virtual ones are exact. */
  const sampled = (interval: Interval | null, n: number): Sampled | undefined => (virtual ? undefined : { interval, n });
  if (virtual) {
    add('throughput', row.throughput.median, 'higher-is-better', 'rate', rel);
    if (row.percpu) {
      add('percpu bytes in use', row.percpu.bytesInUse, 'lower-is-better', 'bytes', rel, 64);
      add('percpu bytes parked', row.percpu.bytesParked, 'lower-is-better', 'bytes', rel, 64);
    }
  }
  from = [row, start];
  if (!seriesStart) {
    const paired = pairedRatio(row, start);
    add('speedup', row.speedup, 'higher-is-better', 'ratio', rel, 0, sampled(row.speedupCi, paired?.pairs ?? 0));
  }
  from = [row, ref];
  if (ref && ref.strategy !== row.strategy) {
    const paired = pairedRatio(row, ref);
    add(`throughput vs ${ref.strategy}`, paired?.median ?? row.throughput.median / ref.throughput.median, 'higher-is-better', 'ratio', rel, 0,
      sampled(paired?.interval ?? null, paired?.pairs ?? 0));
  }
  from = [row];
  const perLifetime = row.lifetimes > 0 ? 1 / row.lifetimes : NaN;
  for (const [cls, l] of Object.entries(row.locks)) {
    if (l.acquisitions === 0) continue;
    // Counts per lifetime are nearly exact even on threads: the paths taken do not depend on timing much.
    add(`${cls} acquisitions/lifetime`, l.acquisitions * perLifetime, 'lower-is-better', 'ratio', virtual ? rel : THREADS_COUNT_REL_TOL, 0.01);
    add(`${cls} time waiting`, l.waitShare, 'lower-is-better', 'share', rel, virtual ? 0.002 : 0.01, sampled(l.waitShareCi, row.repeats));
  }
  return out;
}
