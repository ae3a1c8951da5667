// The check's summary as markdown for a pull-request comment: a verdict line,
// a table of every metric that moved beyond its tolerance (or went missing),
// and the full table folded away in <details>. Each table is split by point,
// the point's name above its rows, so a row names only its metric and the
// markdown stays within 120 columns where it is read as text (a CI log).
import { percent, si, signedPercent } from '../report/units.js';
import type { Interval } from '../stats/interval.js';
import { notJudgedReason, type CheckReport, type MetricComparison, type Verdict } from './compare.js';

const VERDICT_TEXT: Record<Verdict, string> = {
  ok: 'ok',
  improved: 'improved (regenerate the baseline)',
  regression: '**REGRESSION**',
  missing: '**MISSING** in current result',
  new: 'new (not in baseline)',
  disturbed: 'skipped (host disturbed the point)',
  'not-judged': 'NOT JUDGED',
};

function value(c: MetricComparison, v: number | null): string {
  if (v === null) return '–';
  switch (c.unit) {
    case 'rate': return `${si(v)}/s`;
    case 'share': return percent(v, 2);
    case 'bytes': return `${si(v)}B`;
    case 'ratio': return v.toFixed(3);
    case 'count': return si(v);
  }
}

/** A figure judged by interval prints with it: "1.02 [0.98, 1.05]". */
function cell(c: MetricComparison, v: number | null, i: Interval | null | undefined): string {
  if (c.judgedBy === 'value' || v === null) return value(c, v);
  return i ? `${value(c, v)} [${value(c, i.lo)}, ${value(c, i.hi)}]` : `${value(c, v)} [no interval]`;
}

function verdictText(c: MetricComparison): string {
  if (c.verdict === 'not-judged') return `${VERDICT_TEXT[c.verdict]}: ${notJudgedReason(c)}`;
  return `${VERDICT_TEXT[c.verdict]} (${c.tolerance})`;
}

function table(rows: readonly MetricComparison[]): string {
  const points = new Map<string, MetricComparison[]>();
  for (const c of rows) points.set(c.point, [...(points.get(c.point) ?? []), c]);
  const parts: string[] = [];
  for (const [point, cs] of points) {
    const lines = [`**${point}**`, '', '| metric | baseline | current | change | verdict |', '|---|---:|---:|---:|---|'];
    for (const c of cs) {
      const change = Number.isFinite(c.change) ? signedPercent(c.change) : '–';
      lines.push(`| ${c.metric} | ${cell(c, c.baseline, c.baselineInterval)} | ${cell(c, c.current, c.currentInterval)} | ${change} | ${verdictText(c)} |`);
    }
    parts.push(lines.join('\n'));
  }
  return parts.join('\n\n');
}

export interface MarkdownContext {
  baselinePath: string;
  currentPath: string;
}

export function checkMarkdown(report: CheckReport, ctx: MarkdownContext): string {
  const skipped = report.comparisons.filter((c) => c.verdict === 'disturbed').length;
  const unjudged = report.comparisons.filter((c) => c.verdict === 'not-judged').length;
  const n = report.comparisons.length - skipped - unjudged;
  const head = report.regressions > 0
    ? `### percpu-lab check: FAIL — ${report.regressions} of ${n} metrics regressed`
    : report.pass
      ? `### percpu-lab check: PASS — ${n} metrics within tolerance`
      : '### percpu-lab check: FAIL — no metric could be judged';
  const flagged = report.comparisons.filter((c) => c.verdict !== 'ok');
  const parts = [head, '', `- baseline: \`${ctx.baselinePath}\``, `- current: \`${ctx.currentPath}\``, ''];
  if (skipped > 0) parts.push(`${skipped} metrics not judged: the host disturbed a threads point they come from.`, '');
  if (unjudged > 0) {
    parts.push(`${unjudged} metrics NOT JUDGED, neither passed nor failed: threads timing figures are judged by their 95 % intervals, ` +
      'and a side with too few repeats has none (run more repeats: `--repeats`).', '');
  }
  if (flagged.length) parts.push(table(flagged), '');
  else parts.push('No metric moved beyond its tolerance.', '');
  parts.push('<details><summary>All metrics</summary>', '', table(report.comparisons), '', '</details>', '');
  return parts.join('\n');
}
