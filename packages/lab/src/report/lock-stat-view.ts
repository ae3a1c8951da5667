// A point's lock table in the /proc/lock_stat layout (the formatter in
// lock-stat.ts), read from the result point so a saved result prints the
// same table as the run that made it.
import type { ResultPoint } from '../results/schema.js';
import { lockStatLines as format } from './lock-stat.js';

export function lockStatLines(p: ResultPoint, indent = ''): string[] {
  return format(Object.entries(p.locks).map(([name, l]) => ({ name, ...l })), indent);
}
