// The `perf lock contention` view of a point's locks (tools/perf/builtin-lock.c):
// one row per lock class that was contended, sorted by total wait, columns
// contended, total wait, max wait, avg wait, type, caller — with each time
// in the unit that suits it. We add the share of CPU time spent waiting,
// which perf leaves to the reader. Callers are lock class names: the model
// keeps no call sites. The type comes from the lock word of static locks;
// a class known only from locks embedded in objects prints as "lock".
import type { LockResult } from '../results/schema.js';
import { textTable } from './table.js';
import { autoTime, percent } from './units.js';

export function perfLockContention(locks: Record<string, LockResult>, indent = ''): string[] {
  const rows = Object.entries(locks)
    .filter(([, l]) => l.contentions > 0)
    .sort((a, b) => b[1].waitTotalNs - a[1].waitTotalNs)
    .map(([name, l]) => [
      l.contentions, autoTime(l.waitTotalNs), autoTime(l.waitMaxNs), autoTime(l.waitTotalNs / l.contentions),
      l.kind ?? 'lock', name, percent(l.waitShare, 2),
    ]);
  if (rows.length === 0) return [`${indent}(no lock was contended)`];
  return textTable([
    { title: 'contended', right: true }, { title: 'total wait', right: true }, { title: 'max wait', right: true },
    { title: 'avg wait', right: true }, { title: 'type' }, { title: 'caller' }, { title: 'cpu-time waiting', right: true },
  ], rows, indent);
}
