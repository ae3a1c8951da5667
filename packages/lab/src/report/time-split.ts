// "Where a lifetime's time goes": each point's time split (virtual engine)
// as one row, in µs per operation summed over its CPUs' clocks, so the
// columns add up to the lifetime a CPU sees (exec work included). Read it
// across CPU counts to see which part grows: per-CPU loops and line
// transfers with the machine, lock waits with the load.
import { SPLIT_PARTS } from '../cost-model/index.js';
import type { ResultPoint } from '../results/schema.js';
import { textTable, type Cell } from './table.js';

/** Lock classes shown by name in the wait column; the rest are summed as "other locks". */
const WAIT_CLASSES_SHOWN = 2;

const us = (ns: number) => (ns / 1000).toFixed(2);

function waitCell(wait: Record<string, number>): string {
  const by = Object.entries(wait).sort((a, b) => b[1] - a[1]);
  if (by.length === 0) return '-';
  const shown = by.slice(0, WAIT_CLASSES_SHOWN).map(([n, ns]) => `${n} ${us(ns)}`);
  const rest = by.slice(WAIT_CLASSES_SHOWN).reduce((s, [, ns]) => s + ns, 0);
  return [...shown, ...(rest > 0 ? [`other locks ${us(rest)}`] : [])].join(', ');
}

/** Rows for the points that carry a split; empty when none does (threads engine). */
export function timeSplitTable(points: readonly ResultPoint[]): string[] {
  const split = points.filter((p) => p.timeSplit !== null);
  if (split.length === 0) return [];
  const columns = [
    { title: 'strategy' }, { title: 'CPUs', right: true }, { title: 'lifetime', right: true },
    ...SPLIT_PARTS.map((part) => ({ title: part, right: true })), { title: 'lock wait' },
  ];
  const rows = split.map((p): Cell[] => {
    const s = p.timeSplit!;
    const waited = Object.values(s.wait).reduce((a, b) => a + b, 0);
    const total = SPLIT_PARTS.reduce((t, part) => t + s[part], waited);
    return [p.strategy, p.cpus, us(total), ...SPLIT_PARTS.map((part) => us(s[part])), waitCell(s.wait)];
  });
  return textTable(columns, rows, '  ');
}
