import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindSlabCtor, bindSlabDtor, KmemCache, kmemCacheCreate, readSlabStats } from '../src/index.js';
import { bootSlab } from './helpers.js';

test('every constructed object is destructed exactly once when its slab goes', () => {
  const { kernel, cpus } = bootSlab((k) => kmemCacheCreate(k, 'dt', 300, 8, { ctor: 'dt_ctor', dtor: 'dt_dtor' }));
  const ctors = new Map<number, number>();
  const dtors = new Map<number, number>();
  const bump = (m: Map<number, number>, o: number) => m.set(o, (m.get(o) ?? 0) + 1);
  bindSlabCtor(kernel, 'dt_ctor', (_c, o) => (bump(ctors, o), true));
  bindSlabDtor(kernel, 'dt_dtor', (_c, o) => void bump(dtors, o));
  const cache = new KmemCache(kernel, 'dt');
  const n = cache.objectsPerSlab * (cache.minPartial + 4);
  const objs = Array.from({ length: n }, (_, i) => cache.kmemCacheAlloc(cpus[i % 4]!));
  // Free from the wrong CPUs, in a scrambled order: slow paths, partial list, min_partial discards.
  objs.forEach((o, i) => (i % 3 === 0 ? cache.kmemCacheFree(cpus[(i + 1) % 4]!, o) : undefined));
  objs.forEach((o, i) => (i % 3 !== 0 ? cache.kmemCacheFree(cpus[(i + 2) % 4]!, o) : undefined));
  const mid = readSlabStats(kernel, 'dt');
  assert.ok(mid.free_slab > 0, 'some slabs went on free (more than min_partial partial slabs)');
  for (const cpu of cpus) cache.kmemCacheShrink(cpu);
  const s = readSlabStats(kernel, 'dt');
  assert.equal(s.slabs, 0);
  assert.equal(s.dtor_calls, s.ctor_calls);
  assert.deepEqual([...dtors.keys()].sort(), [...ctors.keys()].sort());
  assert.ok([...dtors.values()].every((c) => c === 1), 'never twice');
});
