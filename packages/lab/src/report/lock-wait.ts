// Where the CPU time goes to lock waiting at one CPU count: lock classes as
// rows, strategies side by side, each cell the share of the point's CPU
// time spent waiting for that class. Classes no strategy contended are left
// out. Rows are lock classes rather than columns so that the table keeps its
// width however many classes a kernel grows.
import type { ResultPoint } from '../results/schema.js';
import { textTable, type Cell } from './table.js';
import { percent } from './units.js';

export function lockWaitTable(points: readonly ResultPoint[], indent = ''): string[] {
  const classes = [...new Set(points.flatMap((p) => Object.keys(p.locks)))]
    .filter((name) => points.some((p) => (p.locks[name]?.contentions ?? 0) > 0));
  if (classes.length === 0) return [`${indent}(no lock was contended)`];
  const worst = (name: string) => Math.max(...points.map((p) => p.locks[name]?.waitShare ?? 0));
  classes.sort((a, b) => worst(b) - worst(a));
  const rows = classes.map((name): Cell[] => [
    name,
    ...points.map((p) => {
      const l = p.locks[name];
      return l === undefined ? '-' : percent(l.waitShare);
    }),
  ]);
  return textTable([{ title: 'lock class' }, ...points.map((p) => ({ title: p.strategy, right: true }))], rows, indent);
}
