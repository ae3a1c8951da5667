import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootMm, locksPerLifetime } from './helpers.js';

// Global locks one mm lifetime takes on one CPU, from lock_stat. Exact
// values: every lifetime in steady state does the same work.
const cases: [string, Record<string, number>][] = [
  ['baseline', { pcpu_alloc_mutex: 2, pcpu_lock: 4, percpu_counters_lock: 2, pgd_lock: 2 }],
  ['slab-dtor', { pcpu_alloc_mutex: 0, pcpu_lock: 0, percpu_counters_lock: 0, pgd_lock: 2 }],
  ['grouped', { pcpu_alloc_mutex: 1, pcpu_lock: 2, percpu_counters_lock: 2, pgd_lock: 2 }],
  ['lazy-rss', { pcpu_alloc_mutex: 1, pcpu_lock: 2, percpu_counters_lock: 0, pgd_lock: 2 }],
];

for (const [strategy, want] of cases) {
  test(`${strategy}: global lock acquisitions per mm lifetime on 1 CPU`, () => {
    const m = bootMm({ nrCpus: 1, strategies: [strategy] });
    const got = locksPerLifetime(m, strategy);
    for (const [lock, n] of Object.entries(want)) assert.equal(got[lock] ?? 0, n, `${lock} per lifetime`);
    assert.equal(got['&n->list_lock'] ?? 0, 0, 'the mm cache stays on its fast path');
  });
}

test('baseline takes pcpu_lock at least 4 times per lifetime and the mutex exactly twice', () => {
  const m = bootMm({ nrCpus: 2, strategies: ['baseline'] });
  const got = locksPerLifetime(m, 'baseline', 50);
  assert.equal(got.pcpu_alloc_mutex, 2);
  assert.ok(got.pcpu_lock! >= 4);
});

test('generic arch has no pgd_list: pgd_lock is never taken', () => {
  const m = bootMm({ nrCpus: 1, strategies: ['baseline'], mmOpts: { arch: 'generic' } });
  assert.equal(locksPerLifetime(m, 'baseline').pgd_lock ?? 0, 0);
});
