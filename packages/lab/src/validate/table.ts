// The text form of a validation: one table of virtual / threads ratios,
// one row per operating point and one column per strategy — each cell the
// ratio, whether the virtual figure lies in or out of the threads figure's
// 95 % interval, and that interval's half-width — then the verdict line.
import type { OperatingPoint } from '../calibrate/points.js';
import { wrap } from '../report/wrap.js';
import { MIN_SAMPLES, relativeHalfWidth } from '../stats/interval.js';
import type { Validation, ValidationRow } from './validate.js';

export interface TableContext {
  profile: string;
  ops: number;
  repeats: number;
  tolerance: number;
  rate: string;
  loadBefore: number;
  loadAfter: number;
}

const pct = (x: number) => `${+(x * 100).toFixed(1)} %`;

function cell(r: ValidationRow | undefined): string {
  if (r === undefined) return '-';
  const where = r.interval === null ? 'no CI' : `${r.inside ? 'in' : 'out'} ±${+(relativeHalfWidth(r.interval) * 100).toFixed(1)}%`;
  const judged = r.oversubscribed ? '' : r.threads.disturbed ? ' D' : !r.narrow ? ' ~' : r.within ? '' : ' !';
  const partly = !r.threads.disturbed && r.threads.disturbedRepeats > 0 ? 'd' : '';
  return `${r.ratio.toFixed(3)} ${where}${judged}${partly}`;
}

export function validationLines(v: Validation, c: TableContext): string[] {
  const strategies = [...new Set(v.rows.map((r) => r.strategy))];
  const points: { point: OperatingPoint; workNs: number; oversubscribed: boolean }[] = [];
  for (const r of v.rows) if (!points.some((p) => p.point === r.point)) points.push(r);
  const withFootprint = points.some((p) => p.point.footprint !== null);
  const head = ['work-ns', ...(withFootprint ? ['footprint'] : []), 'CPUs', ...strategies];
  const body = points.map((p) => [
    p.point.work === 'derived' ? `${p.workNs} (derived)` : String(p.workNs),
    ...(withFootprint ? [p.point.footprint ?? 'default'] : []),
    p.oversubscribed ? `${p.point.cpus} (oversubscribed)` : String(p.point.cpus),
    ...strategies.map((s) => cell(v.rows.find((r) => r.point === p.point && r.strategy === s))),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const nonRatio = withFootprint ? 3 : 2;
  const line = (cells: string[]) => `  ${cells.map((x, i) => (i < nonRatio ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ')}`;
  const { verdict } = v;
  const outside = v.rows.filter((r) => r.judged && !r.within);
  const notJudged = [
    `${verdict.oversubscribed} oversubscribed`, `${verdict.disturbed} disturbed`, `${verdict.wide} with a threads interval wider than ±${pct(c.tolerance)} or none`,
  ].join(', ');
  return [
    `virtual (--profile ${c.profile}) / threads throughput, doexec, ${c.ops} lifetimes per CPU,`,
    `threads: median of ${c.repeats} repeat(s), ${c.rate === 'wall' ? 'wall-clock' : 'on-core'} rate`,
    'each cell: the ratio, whether the virtual figure lies in or out of the threads figure\'s 95 % interval,',
    'and that interval\'s half-width',
    `load average (1 min) ${c.loadBefore.toFixed(2)} before, ${c.loadAfter.toFixed(2)} after`,
    line(head),
    ...body.map(line),
    `  ! outside ±${pct(c.tolerance)}   ~ not judged: the threads interval is wider than ±${pct(c.tolerance)} (no CI: fewer than ${MIN_SAMPLES} repeats)`,
    '  D the host disturbed every threads repeat (not judged)   d it disturbed some (left out of the median and the interval)',
    '  oversubscribed rows are shown, not judged',
    `virtual figure inside the threads interval: ${verdict.inside} of ${verdict.withInterval} cells with an interval`,
    ...wrap(
      `verdict: ${verdict.pass ? 'PASS' : 'FAIL'}: ${verdict.within}/${verdict.judged} judged ratios within ±${pct(c.tolerance)} (not judged: ${notJudged})` +
        (outside.length > 0 ? `; outside: ${outside.map((r) => `${r.strategy} work-ns ${r.workNs} ${r.point.cpus} CPU ${r.ratio.toFixed(3)}`).join(', ')}` : ''),
      '', '  ',
    ),
  ];
}
