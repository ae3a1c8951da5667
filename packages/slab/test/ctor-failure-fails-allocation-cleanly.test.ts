import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageAllocator } from '@percpu-lab/machine';
import { bindSlabCtor, bindSlabDtor, KmemCache, kmemCacheCreate, readSlabStats, validateSlabCache } from '../src/index.js';
import { bootSlab } from './helpers.js';

test('a ctor failing mid-slab undoes the constructed objects, frees the pages and returns 0', () => {
  const { kernel, cpus } = bootSlab((k) => kmemCacheCreate(k, 'fragile', 200, 8, { ctor: 'fragile_ctor', dtor: 'fragile_dtor' }));
  const cpu = cpus[0]!;
  let budget = 7; // the 8th constructor call fails, like an allocation running out
  const live = new Set<number>();
  const undone: number[] = [];
  bindSlabCtor(kernel, 'fragile_ctor', (_c, obj) => {
    if (budget-- <= 0) return false;
    live.add(obj);
    return true;
  });
  bindSlabDtor(kernel, 'fragile_dtor', (_c, obj) => {
    assert.ok(live.delete(obj), 'dtor only on constructed objects');
    undone.push(obj);
  });
  const cache = new KmemCache(kernel, 'fragile');
  const pages = new PageAllocator(kernel);
  const free = () => pages.stats().nrFree + pages.stats().inPcp;
  const before = free();

  assert.equal(cache.kmemCacheAlloc(cpu), 0);
  assert.equal(undone.length, 7, 'each constructed object undone once');
  assert.equal(live.size, 0);
  assert.equal(free(), before, 'the slab\'s pages went back');
  let s = readSlabStats(kernel, 'fragile');
  assert.deepEqual([s.ctor_failed, s.alloc_failed, s.dtor_calls, s.slabs, s.objects], [1, 1, 7, 0, 0]);
  validateSlabCache(kernel, 'fragile');

  budget = Infinity;
  const obj = cache.kmemCacheAlloc(cpu);
  assert.notEqual(obj, 0, 'works again once the ctor can succeed');
  s = readSlabStats(kernel, 'fragile');
  assert.equal(s.objects, 1);
  assert.equal(live.size, s.total_objects);
});
