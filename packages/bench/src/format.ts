// Plain-text rendering of suite results for the terminal.
import type { SuiteResult, Target } from './suite.js';

/** Columns padded to their widest cell; numbers right-aligned. */
export function formatTable(rows: Record<string, string | number>[]): string {
  if (rows.length === 0) return '';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: string | number | undefined): string => (v === undefined ? '' : String(v));
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: (string | number | undefined)[], header: boolean): string =>
    vals
      .map((v, i) => (typeof v === 'number' && !header ? cell(v).padStart(width[i]!) : cell(v).padEnd(width[i]!)))
      .join('  ')
      .trimEnd();
  return [line(cols, true), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(cols.map((c) => r[c]), false))].join('\n');
}

export function formatTarget(t: Target): string {
  const op = t.kind === 'max' ? '<=' : '>=';
  return `${t.met ? 'MET    ' : 'NOT MET'}  ${t.name}: ${fmt(t.measured)}${t.unit} (target ${op} ${fmt(t.limit)}${t.unit})`;
}

/** A suite's results: its table and notes. Its targets go to the runner's self-check section, printed last. */
export function formatSuite(name: string, description: string, r: SuiteResult): string {
  const parts = [`== ${name}: ${description}`, formatTable(r.table)];
  if (r.notes.length > 0) parts.push(r.notes.join('\n'));
  return parts.join('\n\n');
}

/** Three significant figures, no exponent for the ranges benchmarks produce. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const a = Math.abs(n);
  if (a >= 100) return n.toFixed(0);
  if (a >= 10) return n.toFixed(1);
  return n.toFixed(2);
}
