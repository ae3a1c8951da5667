import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resetLockStats } from '@percpu-lab/machine';
import { KmemCache, kmemCacheCreate, readSlabStats } from '../src/index.js';
import { allAcquisitions, bootSlab } from './helpers.js';

test('alloc and free of the active slab take no lock and stay on the fast path', () => {
  const { kernel, cpus } = bootSlab((k) => kmemCacheCreate(k, 'obj64', 64, 8));
  const cpu = cpus[0]!;
  const cache = new KmemCache(kernel, 'obj64');
  // First allocation builds the slab (slow path, page allocator locks).
  cache.kmemCacheFree(cpu, cache.kmemCacheAlloc(cpu));
  resetLockStats(kernel);
  const before = readSlabStats(kernel, 'obj64');
  const held: number[] = [];
  for (let round = 0; round < 100; round++) {
    for (let i = 0; i < 10; i++) held.push(cache.kmemCacheAlloc(cpu));
    while (held.length > 0) cache.kmemCacheFree(cpu, held.pop()!);
  }
  const after = readSlabStats(kernel, 'obj64');
  assert.equal(allAcquisitions(kernel), 0, 'no lock of any class was taken');
  assert.equal(after.alloc_fastpath - before.alloc_fastpath, 1000);
  assert.equal(after.free_fastpath - before.free_fastpath, 1000);
  assert.equal(after.alloc_slowpath, before.alloc_slowpath);
  assert.equal(after.free_slowpath, before.free_slowpath);
  assert.equal(after.perCpu[0]!.alloc_fastpath, after.alloc_fastpath, 'counted on CPU 0 only');
  assert.equal(after.objects, 0);
});

test('objects handed out are distinct, aligned and inside the cache stride', () => {
  const { kernel, cpus } = bootSlab((k) => kmemCacheCreate(k, 'odd', 52, 16));
  const cache = new KmemCache(kernel, 'odd');
  const seen = new Set<number>();
  for (let i = 0; i < 3 * cache.objectsPerSlab; i++) {
    const obj = cache.kmemCacheAlloc(cpus[0]!);
    assert.equal(obj % 16, 0, 'aligned to 16');
    assert.ok(!seen.has(obj), 'not handed out twice');
    for (const o of seen) assert.ok(Math.abs(o - obj) >= cache.size, 'objects do not overlap');
    seen.add(obj);
  }
  assert.equal(readSlabStats(kernel, 'odd').objects, seen.size);
});
