import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KmemCache, kmemCacheCreate, LIST_LOCK_CLASS, readSlabStats, validateSlabCache } from '../src/index.js';
import { acquisitions, bootSlab } from './helpers.js';

test('a full slab that gets a free goes on the partial list and serves the next slow path', () => {
  const { kernel, cpus } = bootSlab((k) => kmemCacheCreate(k, 'obj256', 256, 8));
  const [c0, c1] = [cpus[0]!, cpus[1]!];
  const cache = new KmemCache(kernel, 'obj256');
  const first = Array.from({ length: cache.objectsPerSlab }, () => cache.kmemCacheAlloc(c0));
  // The next allocation finds the active slab full: it leaves the CPU on no list.
  cache.kmemCacheAlloc(c0);
  let s = readSlabStats(kernel, 'obj256');
  assert.equal(s.deactivate_bypass, 1);
  assert.equal(s.slabs, 2);
  assert.equal(s.partial, 0);

  const locksBefore = acquisitions(kernel, LIST_LOCK_CLASS);
  cache.kmemCacheFree(c0, first[3]!);
  s = readSlabStats(kernel, 'obj256');
  assert.equal(s.free_add_partial, 1);
  assert.equal(s.partial, 1);
  assert.equal(acquisitions(kernel, LIST_LOCK_CLASS) - locksBefore, 1, 'one list_lock round trip');
  validateSlabCache(kernel, 'obj256');

  // CPU 1 has no slab yet: it takes the partial one instead of building.
  assert.equal(cache.kmemCacheAlloc(c1), first[3]);
  s = readSlabStats(kernel, 'obj256');
  assert.equal(s.alloc_from_partial, 1);
  assert.equal(s.partial, 0);
  assert.equal(s.alloc_slab, 2);
  validateSlabCache(kernel, 'obj256');
});
