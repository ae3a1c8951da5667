// Baseline vs current, metric by metric. A metric regresses when it moved in
// its bad direction by more than both its relative and absolute tolerance;
// a move beyond tolerance in the good direction is reported as improved (the
// gate passes, and the table tells the author to regenerate the baseline).
// A point the baseline has and the current result lacks is a regression: a
// gate that silently compares fewer points would pass by shrinking. A
// metric computed from a threads point the host disturbed, on either side,
// is reported as such and neither passes nor fails the gate.
// A strategy loaded from a file compares only with the same file content:
// a different sha256 (or a built-in on one side) means the two measured
// different code, so the inputs cannot be compared.
import type { SummaryRow } from '../results/schema.js';
import { machineName } from '../sweep/point-view.js';
import { CheckInputError } from './errors.js';
import { MIN_SAMPLES, type Interval } from '../stats/interval.js';
import { rowMetrics, type MetricRule, type MetricValue } from './rules.js';

export type Verdict = 'ok' | 'improved' | 'regression' | 'missing' | 'new' | 'disturbed' | 'not-judged';

export interface MetricComparison {
  point: string;
  metric: string;
  unit: MetricRule['unit'];
  baseline: number | null;
  current: number | null;
  /** Relative change (current / baseline − 1); NaN when either side is missing or the baseline is 0. */
  change: number;
  /** Tolerance in words, e.g. "±1%", or "intervals more than 5% apart". */
  tolerance: string;
  /** How the metric is judged: by its value, or (threads timing figures) by its 95 % interval. */
  judgedBy: MetricRule['judgedBy'];
  /** The 95 % intervals compared, for metrics judged by interval (null: too few repeats), and the repeats (or paired rounds) behind each. */
  baselineInterval?: Interval | null;
  currentInterval?: Interval | null;
  baselineSamples?: number;
  currentSamples?: number;
  verdict: Verdict;
}

export interface CheckReport {
  /** No regression, nothing missing, and at least one metric judged. */
  pass: boolean;
  regressions: number;
  /** Metrics that got a verdict (ok, improved or regression). */
  judged: number;
  comparisons: MetricComparison[];
}

// The machine is part of a point's name, so a baseline taken on another machine has no point in common with it.
const pointName = (r: SummaryRow): string =>
  `${r.workload}/${r.engine}/${r.strategy}/${r.cpus} CPU${r.cpus > 1 ? 's' : ''}${r.machine === null ? '' : ` of ${machineName(r.machine)}`}`;

/** Every metric of every row, keyed "point\0metric". */
function metricsOf(rows: readonly SummaryRow[]): Map<string, { point: string; m: MetricValue }> {
  const out = new Map<string, { point: string; m: MetricValue }>();
  // The reference strategy of each workload and engine: baseline when present (as in the remedies table), else the first.
  const firstStrategy = new Map<string, string>();
  for (const r of rows) if (r.strategy === 'baseline') firstStrategy.set(`${r.workload}/${r.engine}`, r.strategy);
  const minCpus = new Map<string, number>();
  const seriesOf = (r: SummaryRow): string => `${r.workload}/${r.engine}/${r.strategy}`;
  for (const r of rows) {
    const grp = `${r.workload}/${r.engine}`;
    if (!firstStrategy.has(grp)) firstStrategy.set(grp, r.strategy);
    minCpus.set(seriesOf(r), Math.min(minCpus.get(seriesOf(r)) ?? Infinity, r.cpus));
  }
  for (const r of rows) {
    const grp = `${r.workload}/${r.engine}`;
    const ref = rows.find((x) => `${x.workload}/${x.engine}` === grp && x.cpus === r.cpus && x.strategy === firstStrategy.get(grp));
    const start = rows.find((x) => seriesOf(x) === seriesOf(r) && x.cpus === minCpus.get(seriesOf(r)))!;
    for (const m of rowMetrics(r, ref, start)) out.set(`${pointName(r)}\u0000${m.rule.name}`, { point: pointName(r), m });
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

/**
 * Two intervals: a regression when the current one lies beyond the
 * baseline's, in the bad direction, by more than the tolerance of the
 * baseline's near edge; improved likewise the other way; otherwise ok.
 */
function judgeIntervals(rule: MetricRule, base: Interval, cur: Interval): Verdict {
  const up = rule.direction === 'higher-is-better';
  // How far the current interval lies beyond the baseline's, measured from the baseline edge it left.
  const worse = up ? base.lo - cur.hi : cur.lo - base.hi;
  const better = up ? cur.lo - base.hi : base.lo - cur.hi;
  if (worse > Math.max(rule.relTol * Math.abs(up ? base.lo : base.hi), rule.absTol)) return 'regression';
  if (better > Math.max(rule.relTol * Math.abs(up ? base.hi : base.lo), rule.absTol)) return 'improved';
  return 'ok';
}

function verdictOf(b: MetricValue, c: MetricValue): Verdict {
  if (b.disturbed || c.disturbed) return 'disturbed';
  if (b.rule.judgedBy === 'value') return judge(b.rule, b.value, c.value);
  if (b.interval === null || c.interval === null) return 'not-judged';
  return judgeIntervals(b.rule, b.interval, c.interval);
}

function toleranceText(rule: MetricRule): string {
  const pct = `${+(rule.relTol * 100).toFixed(2)}%`;
  const abs = rule.absTol === 0 ? '' : `, min ${rule.unit === 'share' ? `${+(rule.absTol * 100).toFixed(2)} pp` : rule.absTol}`;
  return rule.judgedBy === 'interval' ? `95 % intervals more than ${pct} apart${abs}` : `±${pct}${abs}`;
}

const sourceText = (r: SummaryRow): string =>
  r.strategySource === null ? 'the built-in' : `${r.strategySource.path} (sha256 ${r.strategySource.sha256.slice(0, 12)})`;

function sameStrategyCode(baseline: readonly SummaryRow[], current: readonly SummaryRow[]): void {
  for (const b of baseline) {
    const c = current.find((x) => pointName(x) === pointName(b));
    if (c === undefined || (c.strategySource?.sha256 ?? null) === (b.strategySource?.sha256 ?? null)) continue;
    throw new CheckInputError(`${pointName(b)}: the baseline measured ${sourceText(b)}, the result ${sourceText(c)}; ` +
      'compare runs of the same strategy file, or regenerate the baseline');
  }
}

export function compareRows(baseline: readonly SummaryRow[], current: readonly SummaryRow[]): CheckReport {
  sameStrategyCode(baseline, current);
  const base = metricsOf(baseline);
  const cur = metricsOf(current);
  const comparisons: MetricComparison[] = [];
  for (const [key, b] of base) {
    const c = cur.get(key);
    const rule = b.m.rule;
    const row = {
      point: b.point, metric: rule.name, unit: rule.unit, tolerance: toleranceText(rule), judgedBy: rule.judgedBy,
      ...(rule.judgedBy === 'interval' && {
        baselineInterval: b.m.interval, currentInterval: c?.m.interval ?? null, baselineSamples: b.m.samples, currentSamples: c?.m.samples ?? 0,
      }),
    };
    if (!c) {
      comparisons.push({ ...row, baseline: b.m.value, current: null, change: NaN, verdict: b.m.disturbed ? 'disturbed' : 'missing' });
      continue;
    }
    const change = b.m.value !== 0 ? c.m.value / b.m.value - 1 : NaN;
    comparisons.push({ ...row, baseline: b.m.value, current: c.m.value, change, verdict: verdictOf(b.m, c.m) });
  }
  for (const [key, c] of cur) {
    if (base.has(key)) continue;
    const rule = c.m.rule;
    comparisons.push({
      point: c.point, metric: rule.name, unit: rule.unit, tolerance: toleranceText(rule), judgedBy: rule.judgedBy,
      baseline: null, current: c.m.value, change: NaN, verdict: 'new',
    });
  }
  const regressions = comparisons.filter((x) => x.verdict === 'regression' || x.verdict === 'missing').length;
  const judged = comparisons.filter((x) => x.verdict === 'ok' || x.verdict === 'improved' || x.verdict === 'regression').length;
  return { pass: regressions === 0 && judged > 0, regressions, judged, comparisons };
}

/** Why a metric judged by interval was not judged: the repeats each side had. */
export function notJudgedReason(c: MetricComparison): string {
  return `too few repeats for a 95 % interval (baseline ${c.baselineSamples ?? 0}, current ${c.currentSamples ?? 0}; ${MIN_SAMPLES} needed)`;
}
