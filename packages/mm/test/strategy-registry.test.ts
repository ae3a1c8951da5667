import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  defineMmStrategy,
  getStrategy,
  GroupedArea,
  listStrategies,
  objCacheFront,
  registerStrategy,
  StrategyExists,
  UnknownStrategy,
} from '../src/index.js';
import { bootMm, locksPerLifetime } from './helpers.js';

test('the five strategies are registered, each with a description and the proposal it models', () => {
  const names = listStrategies().map((s) => s.name);
  assert.deepEqual(names.slice(0, 5), ['baseline', 'slab-dtor', 'pcpu-cache', 'lazy-rss', 'grouped']);
  for (const s of listStrategies()) {
    assert.ok(s.description.length > 10 && s.proposal.length > 10, s.name);
  }
  assert.throws(() => getStrategy('nope'), (e: unknown) => e instanceof UnknownStrategy && /baseline/.test(e.message));
});

test('a new strategy is one definition and one registration', () => {
  // Grouped allocation behind the object cache: a combination no engine knows about.
  registerStrategy(
    defineMmStrategy({
      name: 'test-grouped-cached',
      description: 'grouped area served by the percpu object cache',
      proposal: 'test only: combines two remedies',
      lifetime: 'mm',
      front: objCacheFront,
      state: (p) => new GroupedArea(p),
    }),
  );
  assert.throws(() => registerStrategy(getStrategy('baseline')), StrategyExists);
  const m = bootMm({ nrCpus: 1, strategies: ['test-grouped-cached'], mmOpts: { pcpuCacheBatch: 4 } });
  const locks = locksPerLifetime(m, 'test-grouped-cached');
  assert.equal(locks.pcpu_alloc_mutex ?? 0, 0);
  assert.equal(locks.percpu_counters_lock, 2);
});
