// The bench main job's findings: the first CPU count where baseline waits
// on pcpu_alloc_mutex for more than 5 % of its CPU time, and the lock-wait
// table at the largest count (lock classes as rows, strategies as columns,
// the worst class first, uncontended classes left out).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lockWaitTable } from '../src/report/lock-wait.js';
import type { LockResult, ResultPoint } from '../src/results/schema.js';
import { waitShareCrossing } from '../src/scenario/bench.js';

function lock(waitShare: number, contentions = waitShare > 0 ? 10 : 0): LockResult {
  return {
    kind: 'mutex', acquisitions: 100, contentions, waitTotalNs: 0, holdTotalNs: 0, conBounces: 0, acqBounces: 0,
    waitMinNs: 0, waitMaxNs: 0, holdMinNs: 0, holdMaxNs: 0, holdSampled: 100, holdTotalErr95: null, waitShare,
  };
}

/** Only the fields these views read. */
function pt(strategy: string, cpus: number, locks: Record<string, LockResult>): ResultPoint {
  return { strategy, cpus, locks } as unknown as ResultPoint;
}

test('the first count past 5 %, with the share there and just before', () => {
  const shares = [[1, 0], [2, 0.01], [4, 0.04], [8, 0.06], [16, 0.2]] as const;
  // Out of order on purpose: the counts are sorted before the search.
  const points = [...shares].reverse().map(([c, s]) => pt('baseline', c, { pcpu_alloc_mutex: lock(s) }));
  assert.equal(
    waitShareCrossing(points, 'baseline', 'pcpu_alloc_mutex', 0.05),
    'baseline: pcpu_alloc_mutex wait first passes 5% of CPU time at 8 CPUs (6.0% at 8 CPUs; 4.0% at 4 CPUs)',
  );
  assert.equal(
    waitShareCrossing(points.filter((p) => p.cpus <= 4), 'baseline', 'pcpu_alloc_mutex', 0.05),
    'baseline: pcpu_alloc_mutex wait stays at or below 5% of CPU time up to 4 CPUs (most: 4.0% at 4 CPUs)',
  );
  assert.match(waitShareCrossing([pt('baseline', 1, {})], 'baseline', 'pcpu_alloc_mutex', 0.05), /no wait at any count/);
});

test('lock waits at the top count: worst class first, uncontended classes left out', () => {
  const top = [
    pt('baseline', 16, { pcpu_lock: lock(0.1), pcpu_alloc_mutex: lock(0.3), pgd_lock: lock(0) }),
    pt('slab-dtor', 16, { pcpu_lock: lock(0.02), pgd_lock: lock(0) }),
  ];
  assert.deepEqual(lockWaitTable(top), [
    'lock class        baseline  slab-dtor',
    'pcpu_alloc_mutex     30.0%          -',
    'pcpu_lock            10.0%       2.0%',
  ]);
});
