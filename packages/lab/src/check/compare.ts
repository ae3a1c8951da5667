// Baseline vs current, metric by metric. A metric regresses when it moved in
// its bad direction by more than both its relative and absolute tolerance;
// a move beyond tolerance in the good direction is reported as improved (the
// gate passes, and the table tells the author to regenerate the baseline).
// A point the baseline has and the current result lacks is a regression: a
// gate that silently compares fewer points would pass by shrinking.
import type { SummaryRow } from '../sweep/aggregate.js';
import { machineName } from '../sweep/point-view.js';
import { rowMetrics, type MetricRule, type MetricValue } from './rules.js';

export type Verdict = 'ok' | 'improved' | 'regression' | 'missing' | 'new';

export interface MetricComparison {
  point: string;
  metric: string;
  unit: MetricRule['unit'];
  baseline: number | null;
  current: number | null;
  /** Relative change (current / baseline − 1); NaN when either side is missing or the baseline is 0. */
  change: number;
  /** Tolerance in words, e.g. "±1%". */
  tolerance: string;
  verdict: Verdict;
}

export interface CheckReport {
  pass: boolean;
  regressions: number;
  comparisons: MetricComparison[];
}

// The machine is part of a point's name, so a baseline taken on another machine has no point in common with it.
const pointName = (r: SummaryRow): string =>
  `${r.workload}/${r.engine}/${r.strategy}/${r.cpus} CPU${r.cpus > 1 ? 's' : ''}${r.machine === null ? '' : ` of ${machineName(r.machine)}`}`;

/** Every metric of every row, keyed "point\0metric". */
function metricsOf(rows: readonly SummaryRow[]): Map<string, { point: string; m: MetricValue }> {
  const out = new Map<string, { point: string; m: MetricValue }>();
  const firstStrategy = new Map<string, string>();
  const minCpus = new Map<string, number>();
  for (const r of rows) {
    const grp = `${r.workload}/${r.engine}`;
    if (!firstStrategy.has(grp)) firstStrategy.set(grp, r.strategy);
    const series = `${grp}/${r.strategy}`;
    minCpus.set(series, Math.min(minCpus.get(series) ?? Infinity, r.cpus));
  }
  for (const r of rows) {
    const grp = `${r.workload}/${r.engine}`;
    const ref = rows.find((x) => `${x.workload}/${x.engine}` === grp && x.cpus === r.cpus && x.strategy === firstStrategy.get(grp));
    const seriesStart = minCpus.get(`${grp}/${r.strategy}`) === r.cpus;
    for (const m of rowMetrics(r, ref, seriesStart)) out.set(`${pointName(r)}\u0000${m.rule.name}`, { point: pointName(r), m });
  }
  return out;
}

function judge(rule: MetricRule, base: number, cur: number): Verdict {
  const worse = rule.direction === 'higher-is-better' ? base - cur : cur - base;
  const allowed = Math.max(rule.relTol * Math.abs(base), rule.absTol);
  if (worse > allowed) return 'regression';
  if (-worse > allowed) return 'improved';
  return 'ok';
}

function toleranceText(rule: MetricRule): string {
  const rel = `${+(rule.relTol * 100).toFixed(2)}%`;
  if (rule.absTol === 0) return rel;
  return `${rel}, min ${rule.unit === 'share' ? `${+(rule.absTol * 100).toFixed(2)} pp` : rule.absTol}`;
}

export function compareRows(baseline: readonly SummaryRow[], current: readonly SummaryRow[]): CheckReport {
  const base = metricsOf(baseline);
  const cur = metricsOf(current);
  const comparisons: MetricComparison[] = [];
  for (const [key, b] of base) {
    const c = cur.get(key);
    const rule = b.m.rule;
    const row = { point: b.point, metric: rule.name, unit: rule.unit, tolerance: toleranceText(rule) };
    if (!c) {
      comparisons.push({ ...row, baseline: b.m.value, current: null, change: NaN, verdict: 'missing' });
      continue;
    }
    const change = b.m.value !== 0 ? c.m.value / b.m.value - 1 : NaN;
    comparisons.push({ ...row, baseline: b.m.value, current: c.m.value, change, verdict: judge(rule, b.m.value, c.m.value) });
  }
  for (const [key, c] of cur) {
    if (base.has(key)) continue;
    const rule = c.m.rule;
    comparisons.push({
      point: c.point, metric: rule.name, unit: rule.unit, tolerance: toleranceText(rule),
      baseline: null, current: c.m.value, change: NaN, verdict: 'new',
    });
  }
  const regressions = comparisons.filter((x) => x.verdict === 'regression' || x.verdict === 'missing').length;
  return { pass: regressions === 0, regressions, comparisons };
}
