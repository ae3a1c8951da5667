// Prose for the terminal, word-wrapped to the same 120 columns as the
// tables (table.ts): help texts, derivations, the '#' notes of the
// lock_stat view. A word longer than a line is kept whole on a line of its
// own rather than cut.
import { MAX_TABLE_WIDTH } from './table.js';

/**
 * `text` as lines of at most `width` columns: the first line starts with
 * `first`, every later one with `rest` (a hanging indent).
 */
export function wrap(text: string, first = '', rest = first, width = MAX_TABLE_WIDTH): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest;
      empty = true;
    }
    line += (empty ? '' : ' ') + word;
    empty = false;
  }
  lines.push(line);
  return lines;
}
