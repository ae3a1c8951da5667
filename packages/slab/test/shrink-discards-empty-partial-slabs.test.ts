import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KmemCache, kmemCacheCreate, readSlabStats, validateSlabCache } from '../src/index.js';
import { bootSlab } from './helpers.js';

test('kmemCacheShrink flushes this CPU\'s slab and discards every empty partial slab', () => {
  const { kernel, cpus } = bootSlab((k) => kmemCacheCreate(k, 'obj1k', 1024, 8));
  const cpu = cpus[0]!;
  const cache = new KmemCache(kernel, 'obj1k');
  const n = cache.objectsPerSlab;
  const objs = Array.from({ length: 3 * n + 1 }, () => cache.kmemCacheAlloc(cpu));
  const keep = objs[n]!; // one live object keeps slab 1 partial
  for (const o of objs) if (o !== keep) cache.kmemCacheFree(cpu, o);
  let s = readSlabStats(kernel, 'obj1k');
  assert.equal(s.slabs, 4);
  assert.equal(s.free_slab, 0, 'below min_partial nothing is discarded on free');

  const discarded = cache.kmemCacheShrink(cpu);
  s = readSlabStats(kernel, 'obj1k');
  assert.equal(discarded, 3, 'the two emptied slabs and the flushed active slab');
  assert.equal(s.slabs, 1);
  assert.equal(s.partial, 1, 'the slab with a live object stays');
  assert.equal(s.cpuslab_flush, 1);
  validateSlabCache(kernel, 'obj1k');
  cache.kmemCacheFree(cpu, keep);
  assert.equal(cache.kmemCacheShrink(cpu), 1);
  assert.equal(readSlabStats(kernel, 'obj1k').slabs, 0);
});
