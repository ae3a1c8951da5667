import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calculateOrder, calculateSizes, minPartialFor } from '../src/index.js';

test('calculate_order picks the orders the kernel picks for kmalloc sizes', () => {
  // (size, nr_cpus) -> order, as /sys/kernel/slab/kmalloc-*/order shows on x86-64.
  assert.equal(calculateOrder(64, 0, 8), 0);
  assert.equal(calculateOrder(192, 0, 8), 0);
  assert.equal(calculateOrder(1024, 0, 8), 3);
  assert.equal(calculateOrder(4096, 0, 1), 3);
  assert.equal(calculateOrder(8192, 0, 8), 3);
  // Bigger machines want more objects per slab: fls(nr_cpus) grows min_objects.
  assert.ok(calculateOrder(512, 0, 1) < calculateOrder(512, 0, 64));
});

test('a cache with a ctor keeps the free pointer outside the object', () => {
  const plain = calculateSizes(100, 8, false, 64, 4);
  const kept = calculateSizes(100, 8, true, 64, 4);
  assert.ok(plain.offset + 4 <= 100, 'inside the object');
  assert.equal(kept.offset, 104, 'just after the word-aligned object');
  assert.equal(kept.size, 112);
  assert.equal(kept.objStart, 64);
  assert.equal(minPartialFor(1 << 30), 10);
});
