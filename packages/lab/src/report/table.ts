// Plain-text tables for the terminal: columns padded to their widest cell,
// text left-aligned and numbers right-aligned, as kernel tools print them.

export type Cell = string | number;

export interface Column {
  title: string;
  /** Right-align (numbers); default left. */
  right?: boolean;
}

export function textTable(columns: readonly Column[], rows: readonly Cell[][], indent = ''): string[] {
  const text = rows.map((r) => r.map(String));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    indent + cells.map((s, i) => (columns[i]!.right ? s.padStart(widths[i]!) : s.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(columns.map((c) => c.title)), ...text.map(line)];
}
