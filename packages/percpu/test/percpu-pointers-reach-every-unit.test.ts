// per_cpu_ptr: every possible CPU has its own copy of an area, at distinct
// addresses in kernel memory; what one CPU writes through its pointer the
// others do not see; a new area is zero in every unit even over memory a
// freed area dirtied.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootPercpu } from './helpers.js';

test('each CPU reaches its own zeroed copy of every area', () => {
  const { percpu, cpu, kernel } = bootPercpu({ nrCpus: 4 });
  const i32 = kernel.mem.i32;
  const ptrs = [16, 48, 4096, 20000].map((size) => percpu.pcpuAlloc(cpu(0), size, 8));
  for (const ptr of ptrs) {
    const addrs = [0, 1, 2, 3].map((id) => percpu.perCpuPtr(ptr, id));
    assert.equal(new Set(addrs).size, 4);
    addrs.forEach((a, id) => (i32[a >> 2] = 1000 + id));
    addrs.forEach((a, id) => assert.equal(i32[a >> 2], 1000 + id));
    assert.equal(percpu.thisCpuPtr(cpu(2), ptr), addrs[2]);
  }
  const big = ptrs[3]!;
  const end = percpu.perCpuPtr(big + 19996, 1);
  i32[end >> 2] = 77;
  percpu.freePercpu(cpu(0), big);
  const again = percpu.pcpuAlloc(cpu(0), 20000, 8);
  assert.equal(again, big, 'the same area comes back');
  for (let id = 0; id < 4; id++) {
    for (let off = 0; off < 20000; off += 4) assert.equal(i32[percpu.perCpuPtr(again + off, id) >> 2], 0);
  }
  percpu.verify();
});
