import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageAllocator } from '@percpu-lab/machine';
import { readSlabStats, validateSlabCache } from '@percpu-lab/slab';
import { listLength, mmCacheName } from '../src/index.js';
import { bootMm } from './helpers.js';

test('slab-dtor: a ctor that runs out of percpu memory fails the slab and the mm_alloc, leaking nothing', () => {
  const m = bootMm({ nrCpus: 2, memBytes: 32 * 1024 * 1024, strategies: ['slab-dtor'] });
  const cpu = m.cpus[0]!;
  const ops = m.ops['slab-dtor']!;
  const cache = mmCacheName('slab-dtor');
  const pages = new PageAllocator(m.kernel);
  const slabOrder = readSlabStats(m.kernel, cache).order;

  // No page left for a new percpu chunk; one block kept for the mm slab itself.
  const slabBlock = pages.allocPages(cpu, slabOrder);
  const held: number[] = [];
  for (let p; (p = pages.allocPages(cpu, 0)) !== 0; ) held.push(p);
  // Fill the populated percpu space, then open exactly five 16-byte holes.
  const areas: number[] = [];
  for (let a; (a = m.percpu.pcpuAlloc(cpu, 16, 8)) !== 0; ) areas.push(a);
  for (const a of areas.splice(0, 5)) m.percpu.freePercpu(cpu, a);
  pages.freePages(cpu, slabBlock, slabOrder);

  const percpuBefore = m.percpu.stats().nrCurAlloc;
  const listBefore = listLength(m.kernel.mem, m.kernel.symbol('percpu_counters'));
  const freePagesBefore = pages.stats().nrFree + pages.stats().inPcp;

  // Objects 0 and 1 take two areas each; object 2 gets its cid but not its counters.
  assert.equal(ops.mmAlloc(cpu), 0);
  const s = readSlabStats(m.kernel, cache);
  assert.deepEqual(
    { ctor_calls: s.ctor_calls, ctor_failed: s.ctor_failed, dtor_calls: s.dtor_calls, alloc_failed: s.alloc_failed, slabs: s.slabs, objects: s.objects },
    { ctor_calls: 3, ctor_failed: 1, dtor_calls: 2, alloc_failed: 1, slabs: 0, objects: 0 },
  );
  assert.equal(m.percpu.stats().nrCurAlloc, percpuBefore, 'every area the ctors took was freed');
  assert.equal(listLength(m.kernel.mem, m.kernel.symbol('percpu_counters')), listBefore, 'no counter left on the global list');
  assert.equal(pages.stats().nrFree + pages.stats().inPcp, freePagesBefore, 'the slab pages went back');
  m.percpu.verify();
  validateSlabCache(m.kernel, cache);

  // With memory back, the same path builds a whole slab.
  for (const a of areas) m.percpu.freePercpu(cpu, a);
  for (const p of held) pages.freePages(cpu, p, 0);
  const mm = ops.mmAlloc(cpu);
  assert.notEqual(mm, 0);
  ops.mmdrop(cpu, mm);
  ops.drainCaches!(cpu);
  assert.equal(m.percpu.stats().nrCurAlloc, 0);
  m.percpu.verify();
});
