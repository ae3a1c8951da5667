import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageAllocator } from '../src/pages.js';
import { bootForTest } from './helpers.js';

test('allocating every page then one more fails cleanly, and freeing restores', () => {
  const { kernel, cpu } = bootForTest({ nrCpus: 2, memBytes: 16 * 1024 * 1024 });
  const c0 = cpu(0);
  const pa = new PageAllocator(kernel);
  const total = pa.stats().nrFree;
  const got = new Set<number>();
  for (;;) {
    const p = pa.allocPages(c0, 0);
    if (p === 0) break;
    assert.ok(!got.has(p), 'page handed out twice');
    got.add(p);
  }
  assert.equal(got.size, total);
  assert.equal(pa.stats().allocFail, 1);
  for (const p of got) pa.freePages(c0, p, 0);
  pa.drainAllPages(c0);
  assert.equal(pa.stats().nrFree, total);
  const big = pa.allocPages(c0, 10);
  assert.notEqual(big, 0, 'freed pages merge back into max-order blocks');
});
