// Plain-text rendering of suite results for the terminal (numbers are
// formatted by the lab's units module).
import { figure, textTable, wrap } from '@percpu-lab/lab';
import type { SuiteResult, Target } from './suite.js';

/** Columns padded to their widest cell, numbers right-aligned; wider than 120 columns, blocks of whole columns (the lab's tables). */
export function formatTable(rows: Record<string, string | number>[]): string {
  if (rows.length === 0) return '';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const numeric = cols.map((c) => rows.some((r) => typeof r[c] === 'number'));
  return textTable(cols.map((title, i) => ({ title, right: numeric[i]! })), rows.map((r) => cols.map((c) => r[c] ?? ''))).join('\n');
}

export function formatTarget(t: Target): string {
  const op = t.kind === 'max' ? '<=' : '>=';
  return `${t.met ? 'MET    ' : 'NOT MET'}  ${t.name}: ${figure(t.measured)}${t.unit} (target ${op} ${figure(t.limit)}${t.unit})`;
}

/** A suite's results: its table and notes (wrapped at 120 columns). Its targets go to the runner's self-check section, printed last. */
export function formatSuite(name: string, description: string, r: SuiteResult): string {
  const parts = [`== ${name}: ${description}`, formatTable(r.table)];
  if (r.notes.length > 0) parts.push(r.notes.flatMap((n) => wrap(n, '', '  ')).join('\n'));
  return parts.join('\n\n');
}
