import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindSlabCtor, bindSlabDtor, KmemCache, kmemCacheCreate, readSlabStats } from '../src/index.js';
import { bootSlab } from './helpers.js';

const MAGIC = 0x5ab1e;

test('building a slab constructs every object once, and a free object keeps its constructed state', () => {
  const { kernel, cpus } = bootSlab((k) => kmemCacheCreate(k, 'ctored', 40, 8, { ctor: 'test_ctor', dtor: 'test_dtor' }));
  const cpu = cpus[0]!;
  const built = new Map<number, number>();
  bindSlabCtor(kernel, 'test_ctor', (_c, obj) => {
    built.set(obj, (built.get(obj) ?? 0) + 1);
    for (let w = 0; w < 10; w++) kernel.mem.i32[(obj >> 2) + w] = MAGIC + w;
    return true;
  });
  bindSlabDtor(kernel, 'test_dtor', () => {});
  const cache = new KmemCache(kernel, 'ctored');

  const a = cache.kmemCacheAlloc(cpu);
  assert.equal(built.size, cache.objectsPerSlab, 'the whole slab was constructed at once');
  assert.ok([...built.values()].every((n) => n === 1));
  const objs = [a, ...Array.from({ length: 20 }, () => cache.kmemCacheAlloc(cpu))];
  // Half freed locally (CPU freelist), half remotely (slab freelist).
  objs.forEach((o, i) => cache.kmemCacheFree(cpus[i % 2]!, o));
  assert.ok(readSlabStats(kernel, 'ctored').free_slowpath > 0);
  for (const o of objs) {
    for (let w = 0; w < 10; w++) assert.equal(kernel.mem.i32[(o >> 2) + w], MAGIC + w, 'free pointer never overwrote the object');
  }
  const s = readSlabStats(kernel, 'ctored');
  assert.equal(s.ctor_calls, s.total_objects);
  assert.equal(built.size, s.total_objects);
});
