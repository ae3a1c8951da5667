import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSlabStats, validateSlabCache } from '@percpu-lab/slab';
import { MmCid, mmCacheName, NR_MM_COUNTERS } from '../src/index.js';
import { bootMm } from './helpers.js';

test('slab-dtor: cached free mm objects keep their percpu memory; the dtor frees it once per object', () => {
  const m = bootMm({ nrCpus: 2, strategies: ['slab-dtor'] });
  const [c0, c1] = [m.cpus[0]!, m.cpus[1]!];
  const ops = m.ops['slab-dtor']!;
  const cache = mmCacheName('slab-dtor');
  const perObject = (MmCid.size + 4 * NR_MM_COUNTERS) * m.kernel.nrCpus;
  const before = m.percpu.stats().nrCurAlloc;

  const mms = Array.from({ length: 30 }, () => ops.mmAlloc(c0));
  const live = mms.splice(0, 5);
  mms.forEach((mm, i) => ops.mmdrop(i % 2 === 0 ? c0 : c1, mm));
  const s = readSlabStats(m.kernel, cache);
  assert.ok(s.total_objects >= 30);
  assert.equal(s.objects, 5);
  assert.equal(m.percpu.stats().nrCurAlloc - before, 2 * s.total_objects, 'two percpu areas per constructed object');
  assert.equal(ops.parkedPercpuBytes(), (s.total_objects - 5) * perObject);

  for (const mm of live) ops.mmdrop(c1, mm);
  ops.drainCaches!(c0);
  ops.drainCaches!(c1);
  const t = readSlabStats(m.kernel, cache);
  assert.equal(t.slabs, 0);
  assert.equal(t.dtor_calls, t.ctor_calls, 'each constructed object destructed once');
  assert.equal(ops.parkedPercpuBytes(), 0);
  assert.equal(m.percpu.stats().nrCurAlloc, before);
  m.percpu.verify();
  validateSlabCache(m.kernel, cache);
});
