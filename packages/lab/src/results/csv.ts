// CSV views of a result for spreadsheets and quick plotting: one row per
// point and repeat (points.csv), one row per point and lock class
// (locks.csv, long format, so a new lock class never changes the columns),
// and one row per point over its repeats, with the 95 % intervals
// (summary.csv; the cells of an interval stay empty without one).
import type { Interval } from '../stats/interval.js';
import type { ResultPoint, RunResult, SummaryRow } from './schema.js';

function csvLine(cells: readonly (string | number | null)[]): string {
  return cells.map((c) => {
    const s = c === null ? '' : String(c);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  }).join(',');
}

const KEY = ['workload', 'engine', 'strategy', 'cpus', 'repeat'] as const;
const key = (p: ResultPoint) => KEY.map((k) => p[k] ?? null);

export function pointsCsv(r: RunResult): string {
  const ops = [...new Set(r.points.flatMap((p) => Object.keys(p.latency)))];
  const head = [
    ...KEY, 'status', 'lifetimes', 'elapsed_ns', 'throughput', 'speedup', 'efficiency',
    ...ops.flatMap((o) => [`${o}_p50_ns`, `${o}_p99_ns`]),
    'percpu_chunks', 'percpu_bytes_in_use', 'percpu_bytes_parked', 'verify', 'rss_check', 'leak_check', 'oversubscribed',
  ];
  const rows = r.points.map((p) => csvLine([
    ...key(p), p.status, p.lifetimes, Math.round(p.elapsedNs), p.throughput.toFixed(1),
    p.speedup?.toFixed(3) ?? null, p.efficiency?.toFixed(3) ?? null,
    ...ops.flatMap((o) => [p.latency[o]?.p50Ns ?? null, p.latency[o]?.p99Ns ?? null]),
    p.percpu.chunks, p.percpu.bytesInUse, p.percpu.bytesParked, p.checks.verify.status, p.checks.rss.status, p.checks.leak.status, p.oversubscribed,
  ]));
  return [csvLine(head), ...rows].join('\n') + '\n';
}

export function locksCsv(r: RunResult): string {
  const head = [...KEY, 'lock', 'acquisitions', 'contentions', 'wait_total_ns', 'hold_total_ns', 'con_bounces', 'acq_bounces', 'wait_share'];
  const rows = r.points.flatMap((p) => Object.entries(p.locks).map(([name, l]) => csvLine([
    ...key(p), name, l.acquisitions, l.contentions, Math.round(l.waitTotalNs), Math.round(l.holdTotalNs),
    l.conBounces, l.acqBounces, l.waitShare.toFixed(6),
  ])));
  return [csvLine(head), ...rows].join('\n') + '\n';
}

const ci = (i: Interval | null, digits: number): (string | null)[] =>
  i === null ? [null, null, null] : [i.lo.toFixed(digits), i.hi.toFixed(digits), i.level.toFixed(4)];

export function summaryCsv(rows: readonly SummaryRow[]): string {
  const head = [
    'workload', 'engine', 'strategy', 'cpus', 'repeats', 'throughput_median', 'throughput_ci_lo', 'throughput_ci_hi', 'throughput_ci_level',
    'speedup', 'speedup_ci_lo', 'speedup_ci_hi', 'speedup_ci_level', 'disturbed',
  ];
  const lines = rows.map((r) => csvLine([
    r.workload, r.engine, r.strategy, r.cpus, r.repeats, r.throughput.median.toFixed(1), ...ci(r.throughputCi, 1),
    r.speedup.toFixed(4), ...ci(r.speedupCi, 4), String(r.disturbed),
  ]));
  return [csvLine(head), ...lines].join('\n') + '\n';
}
