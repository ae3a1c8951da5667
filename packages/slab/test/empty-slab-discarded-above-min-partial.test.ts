import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageAllocator } from '@percpu-lab/machine';
import { KmemCache, kmemCacheCreate, readSlabStats, validateSlabCache } from '../src/index.js';
import { bootSlab } from './helpers.js';

test('an emptied slab is discarded while the node keeps min_partial partial slabs, kept otherwise', () => {
  const { kernel, cpus } = bootSlab((k) => kmemCacheCreate(k, 'obj512', 512, 8));
  const cpu = cpus[0]!;
  const cache = new KmemCache(kernel, 'obj512');
  const min = cache.minPartial;
  const n = cache.objectsPerSlab;
  const nrSlabs = min + 3;
  const objs = Array.from({ length: nrSlabs * n }, () => cache.kmemCacheAlloc(cpu));
  const slabOf = (i: number) => objs.slice(i * n, (i + 1) * n);
  // Slabs 0..min+1 are full and off-CPU; one free each puts them on the partial list.
  for (let i = 0; i < min + 2; i++) cache.kmemCacheFree(cpu, slabOf(i)[0]!);
  assert.equal(readSlabStats(kernel, 'obj512').partial, min + 2);

  const pages = new PageAllocator(kernel);
  const freePages = () => pages.stats().nrFree + pages.stats().inPcp;
  const before = freePages();
  const partialAfterEmptying: number[] = [];
  for (let i = 0; i < 4; i++) {
    for (const o of slabOf(i).slice(1)) cache.kmemCacheFree(cpu, o);
    partialAfterEmptying.push(readSlabStats(kernel, 'obj512').partial);
  }
  // nr_partial >= min_partial → discard: three times; then the fourth stays.
  assert.deepEqual(partialAfterEmptying, [min + 1, min, min - 1, min - 1]);
  const s = readSlabStats(kernel, 'obj512');
  assert.equal(s.free_slab, 3);
  assert.equal(s.free_remove_partial, 3);
  assert.equal(s.slabs, nrSlabs - 3);
  assert.equal(freePages() - before, 3 << cache.order, 'discarded slabs gave their pages back');
  validateSlabCache(kernel, 'obj512');
});

test('min_partial follows ilog2(size) / 2 clamped to [5, 10]', () => {
  const { kernel } = bootSlab((k) => {
    kmemCacheCreate(k, 's64', 64, 8);
    kmemCacheCreate(k, 's4096', 4096, 8);
  });
  assert.equal(readSlabStats(kernel, 's64').min_partial, 5);
  assert.equal(readSlabStats(kernel, 's4096').min_partial, 6);
});
