// The check's summary as markdown for a pull-request comment: a verdict line,
// a table of every metric that moved beyond its tolerance (or went missing),
// and the full table folded away in <details>. Each table is split by point,
// the point's name above its rows, so a row names only its metric and the
// markdown stays within 120 columns where it is read as text (a CI log).
import { percent, si, signedPercent } from '../report/units.js';
import type { CheckReport, MetricComparison, Verdict } from './compare.js';

const VERDICT_TEXT: Record<Verdict, string> = {
  ok: 'ok',
  improved: 'improved (regenerate the baseline)',
  regression: '**REGRESSION**',
  missing: '**MISSING** in current result',
  new: 'new (not in baseline)',
  disturbed: 'skipped (host disturbed the point)',
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

function table(rows: readonly MetricComparison[]): string {
  const points = new Map<string, MetricComparison[]>();
  for (const c of rows) points.set(c.point, [...(points.get(c.point) ?? []), c]);
  const parts: string[] = [];
  for (const [point, cs] of points) {
    const lines = [`**${point}**`, '', '| metric | baseline | current | change | verdict |', '|---|---:|---:|---:|---|'];
    for (const c of cs) {
      const change = Number.isFinite(c.change) ? signedPercent(c.change) : '–';
      lines.push(`| ${c.metric} | ${value(c, c.baseline)} | ${value(c, c.current)} | ${change} | ${VERDICT_TEXT[c.verdict]} (±${c.tolerance}) |`);
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
  const n = report.comparisons.length - skipped;
  const head = report.pass
    ? `### percpu-lab check: PASS — ${n} metrics within tolerance`
    : `### percpu-lab check: FAIL — ${report.regressions} of ${n} metrics regressed`;
  const flagged = report.comparisons.filter((c) => c.verdict !== 'ok');
  const parts = [head, '', `- baseline: \`${ctx.baselinePath}\``, `- current: \`${ctx.currentPath}\``, ''];
  if (skipped > 0) parts.push(`${skipped} metrics not judged: the host disturbed a threads point they come from.`, '');
  if (flagged.length) parts.push(table(flagged), '');
  else parts.push('No metric moved beyond its tolerance.', '');
  parts.push('<details><summary>All metrics</summary>', '', table(report.comparisons), '', '</details>', '');
  return parts.join('\n');
}
