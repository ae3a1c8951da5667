import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resetLockStats } from '@percpu-lab/machine';
import { KmemCache, kmemCacheCreate, LIST_LOCK_CLASS, readSlabStats, validateSlabCache } from '../src/index.js';
import { acquisitions, bootSlab } from './helpers.js';

test('a free on another CPU goes onto the frozen slab with a CAS and no list_lock', () => {
  const { kernel, cpus } = bootSlab((k) => kmemCacheCreate(k, 'obj128', 128, 8));
  const [c0, c1] = [cpus[0]!, cpus[1]!];
  const cache = new KmemCache(kernel, 'obj128');
  const objs = Array.from({ length: 5 }, () => cache.kmemCacheAlloc(c0));
  resetLockStats(kernel);
  for (const o of objs) cache.kmemCacheFree(c1, o);
  const s = readSlabStats(kernel, 'obj128');
  assert.equal(s.perCpu[1]!.free_slowpath, 5);
  assert.equal(s.perCpu[1]!.free_frozen, 5, 'slab is CPU 0\'s active slab');
  assert.equal(acquisitions(kernel, LIST_LOCK_CLASS), 0);
  assert.equal(s.objects, 0);
  validateSlabCache(kernel, 'obj128');

  // CPU 0 uses up its own freelist, then refills from what CPU 1 gave back.
  const rest = cache.objectsPerSlab - objs.length;
  for (let i = 0; i < rest; i++) cache.kmemCacheAlloc(c0);
  const again = new Set(Array.from({ length: 5 }, () => cache.kmemCacheAlloc(c0)));
  assert.deepEqual(again, new Set(objs), 'remote-freed objects come back to the owner');
  const t = readSlabStats(kernel, 'obj128');
  assert.equal(t.alloc_refill, 1);
  assert.equal(t.slabs, 1, 'no new slab was needed');
});
