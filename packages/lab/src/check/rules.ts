// Which metrics the regression gate compares, and how much change each may
// show before it counts. The virtual engine is deterministic (same scenario,
// seed and profile → same numbers), so its tolerances are tight: any real
// change to the modelled paths moves them. The threads engine measures a
// shared, noisy host, so it is judged only on ratios taken within one run
// (speedup over its own 1-CPU point, throughput relative to the first
// strategy, lock acquisitions per lifetime), with loose tolerances, and a
// threads point the host disturbed (engine/threads/disturbance.ts) is not
// judged at all: its numbers measure the host as much as the model.
import type { SummaryRow } from '../sweep/aggregate.js';

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
}

export interface MetricValue {
  rule: MetricRule;
  value: number;
  /** A row it is computed from was disturbed by the host (threads engine): the gate skips it. */
  disturbed: boolean;
}

export const VIRTUAL_REL_TOL = 0.01;
export const THREADS_REL_TOL = 0.25;

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
  const add = (name: string, value: number, direction: Direction, unit: MetricRule['unit'], relTol: number, absTol = 0) => {
    const disturbed = from.some((r) => r?.disturbed === true);
    if (Number.isFinite(value)) out.push({ rule: { name, direction, relTol, absTol, unit }, value, disturbed });
  };
  if (virtual) {
    add('throughput', row.throughput.median, 'higher-is-better', 'rate', rel);
    if (row.percpu) {
      add('percpu bytes in use', row.percpu.bytesInUse, 'lower-is-better', 'bytes', rel, 64);
      add('percpu bytes parked', row.percpu.bytesParked, 'lower-is-better', 'bytes', rel, 64);
    }
  }
  from = [row, start];
  if (!seriesStart) add('speedup', row.speedup, 'higher-is-better', 'ratio', rel);
  from = [row, ref];
  if (ref && ref.strategy !== row.strategy) {
    add(`throughput vs ${ref.strategy}`, row.throughput.median / ref.throughput.median, 'higher-is-better', 'ratio', rel);
  }
  from = [row];
  const perLifetime = row.lifetimes > 0 ? 1 / row.lifetimes : NaN;
  for (const [cls, l] of Object.entries(row.locks)) {
    if (l.acquisitions === 0) continue;
    // Counts per lifetime are nearly exact even on threads: the paths taken do not depend on timing much.
    add(`${cls} acquisitions/lifetime`, l.acquisitions * perLifetime, 'lower-is-better', 'ratio', virtual ? rel : 0.1, 0.01);
    add(`${cls} time waiting`, l.waitShare, 'lower-is-better', 'share', rel, virtual ? 0.002 : 0.05);
  }
  return out;
}
