import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MM_CID_UNSET, MmCid, MmStruct } from '../src/index.js';
import { bootMm } from './helpers.js';

for (const name of ['baseline', 'grouped', 'slab-dtor']) {
  test(`${name}: every CPU's cid slot starts unset; CPUs take the lowest free cid and give it back`, () => {
    const m = bootMm({ nrCpus: 4, strategies: [name] });
    const ops = m.ops[name]!;
    const [c0, c1, c2, c3] = m.cpus as [typeof m.cpus[0], typeof m.cpus[0], typeof m.cpus[0], typeof m.cpus[0]];
    const slots = (mm: number) => {
      const ptr = MmStruct.pcpuCid.get(m.kernel.mem, mm);
      return m.cpus.map((c) => m.kernel.mem.i32[m.percpu.perCpuPtr(ptr + MmCid.cid.offset, c.id) >> 2]);
    };
    const mm = ops.mmAlloc(c0);
    assert.deepEqual(slots(mm), [MM_CID_UNSET, MM_CID_UNSET, MM_CID_UNSET, MM_CID_UNSET]);
    assert.deepEqual([ops.mmCidGet(c2, mm), ops.mmCidGet(c0, mm), ops.mmCidGet(c1, mm)], [0, 1, 2]);
    assert.equal(ops.mmCidGet(c0, mm), 1, 'a CPU keeps its cid');
    ops.mmCidPut(c0, mm);
    assert.equal(ops.mmCidGet(c3, mm), 1, 'the lowest free cid is reused');
    ops.mmdrop(c0, mm);
    // A new mm (for slab-dtor the very same cached object) starts clean again.
    const again = ops.mmAlloc(c0);
    assert.deepEqual(slots(again), [MM_CID_UNSET, MM_CID_UNSET, MM_CID_UNSET, MM_CID_UNSET]);
    assert.equal(ops.mmCidGet(c3, again), 0);
    ops.mmdrop(c0, again);
  });
}
