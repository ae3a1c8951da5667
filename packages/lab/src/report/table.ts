// Plain-text tables for the terminal: columns padded to their widest cell,
// text left-aligned and numbers right-aligned, as kernel tools print them.
// A table wider than the terminal budget (120 columns) is cut into blocks
// of whole columns, one under the other, each repeating the key column so
// every block reads on its own: a 192-CPU run grows a table's length, not
// its width.

export type Cell = string | number;

export interface Column {
  title: string;
  /** Right-align (numbers); default left. */
  right?: boolean;
}

/** The widest line any text table prints, indent included. */
export const MAX_TABLE_WIDTH = 120;
const GAP = 2;

/** Groups of column indices after the key column, each fitting `budget` characters next to it. */
function blocks(widths: readonly number[], budget: number): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  let used = widths[0]!;
  for (let i = 1; i < widths.length; i++) {
    if (cur.length > 0 && used + GAP + widths[i]! > budget) {
      out.push(cur);
      cur = [];
      used = widths[0]!;
    }
    cur.push(i);
    used += GAP + widths[i]!;
  }
  if (cur.length > 0 || out.length === 0) out.push(cur);
  return out;
}

export function textTable(columns: readonly Column[], rows: readonly Cell[][], indent = ''): string[] {
  const text = rows.map((r) => r.map(String));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[], cols: readonly number[]) =>
    indent + cols.map((i) => {
      const s = cells[i] ?? '';
      return columns[i]!.right ? s.padStart(widths[i]!) : s.padEnd(widths[i]!);
    }).join(' '.repeat(GAP)).trimEnd();
  const titles = columns.map((c) => c.title);
  return blocks(widths, MAX_TABLE_WIDTH - indent.length).flatMap((b, n) => {
    const cols = [0, ...b];
    return [...(n > 0 ? [''] : []), line(titles, cols), ...text.map((r) => line(r, cols))];
  });
}
