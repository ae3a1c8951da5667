// A run as text. 'summary' is what a terminal run prints: the summary
// tables plus, for every point that had lock contention, the
// `perf lock contention` view. 'full' adds, per point, /proc/lock_stat, the
// percpu view and the slab view — it goes to report.txt in the output
// directory. With --repeats, 'summary' shows the repeat of each point whose
// throughput is the median, 'full' every repeat.
import type { ResultPoint, RunResult } from '../results/schema.js';
import { pointName } from '../scenario/points.js';
import { lockStatLines } from './lock-stat-view.js';
import { percpuLines, slabLines } from './memory-views.js';
import { perfLockContention } from './perf-lock.js';
import { medianRepeats, summaryLines } from './summary.js';
import { wrap } from './wrap.js';

export type Detail = 'summary' | 'full';

function title(p: ResultPoint): string {
  const status = p.status === 'complete' ? '' : ` — PARTIAL (${p.failure?.kind ?? 'stopped'})`;
  return `--- ${pointName(p)}${p.repeat === undefined ? '' : ` r${p.repeat}`} (${p.engine} engine)${status} ---`;
}

function pointLines(p: ResultPoint, detail: Detail): string[] {
  const contended = Object.values(p.locks).some((l) => l.contentions > 0);
  if (detail === 'summary' && !contended) return [];
  const out = ['', title(p), '  perf lock contention:', ...perfLockContention(p.locks, '    ')];
  if (detail === 'summary') return out;
  out.push(
    '  /proc/lock_stat:', ...lockStatLines(p, '    '),
    '  percpu:', ...percpuLines(p, '    '),
    '  slab:', ...slabLines(p, '    '),
    ...Object.entries(p.checks).flatMap(([name, c]) => wrap(`check ${name}: ${c.status} — ${c.detail}`, '  ', '    ')),
  );
  return out;
}

export function renderRun(r: RunResult, detail: Detail): string[] {
  const out = summaryLines(r);
  const shown = detail === 'summary' && (r.scenario.repeats ?? 1) > 1 ? medianRepeats(r.points) : r.points;
  for (const p of shown) out.push(...pointLines(p, detail));
  if (r.oversubscription !== '') out.push('', r.oversubscription);
  return out;
}
