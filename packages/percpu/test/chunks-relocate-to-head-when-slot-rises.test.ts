// Known answer for pcpu_chunk_relocate: after an allocation or free changes
// a chunk's slot, it goes to the head of the new slot's list if the slot
// rose and to the tail if it fell; the search takes the first chunk that
// fits, so this order decides placement. Also PCPU_SLOT_FAIL_THRESHOLD: a
// chunk that fails a fit while on a slot below 3 is moved to slot 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootPercpu, chunkOf, offsetOf, SMALL_GEOMETRY } from './helpers.js';
import { slotChunks } from '../src/slots.js';

test('a chunk whose slot falls goes to the tail, one whose slot rises to the head', () => {
  const { percpu, cpu } = bootPercpu({ nrCpus: 1, geometry: SMALL_GEOMETRY });
  const c = cpu(0);
  const p = percpu.ctx;
  percpu.pcpuAlloc(c, 16384, 4); // the first chunk is full
  const a1 = percpu.pcpuAlloc(c, 32768, 4);
  const A = chunkOf(percpu, a1);
  assert.equal(chunkOf(percpu, percpu.pcpuAlloc(c, 12768, 4)), A);
  assert.deepEqual(slotChunks(p, 12), [A], '20000 free bytes: slot 12');
  const b1 = percpu.pcpuAlloc(c, 24000, 4); // A is too small: a new chunk
  const B = chunkOf(percpu, b1);
  assert.ok(B !== A && offsetOf(percpu, b1) === 0);
  assert.equal(chunkOf(percpu, percpu.pcpuAlloc(c, 21536, 4)), B);
  assert.deepEqual(slotChunks(p, 12), [A, B], 'B fell to slot 12: appended after A');
  const a3 = percpu.pcpuAlloc(c, 4000, 4);
  assert.equal(chunkOf(percpu, a3), A, 'the first chunk on the list that fits');
  assert.deepEqual([slotChunks(p, 11), slotChunks(p, 12)], [[A], [B]]);
  percpu.freePercpu(c, a3);
  assert.deepEqual(slotChunks(p, 12), [A, B], 'A rose back to slot 12: inserted before B');
  const y = percpu.pcpuAlloc(c, 1000, 4);
  assert.equal(chunkOf(percpu, y), A, 'so the search finds A first');
  assert.equal(offsetOf(percpu, y), 45536);
  percpu.verify();
});

test('a chunk failing a fit on a slot below PCPU_SLOT_FAIL_THRESHOLD is moved to slot 0', () => {
  const { percpu, cpu } = bootPercpu({ nrCpus: 1, geometry: SMALL_GEOMETRY });
  const c = cpu(0);
  const p = percpu.ctx;
  percpu.pcpuAlloc(c, 4, 4);
  const hole = percpu.pcpuAlloc(c, 20, 4);
  percpu.pcpuAlloc(c, 16360, 4);
  percpu.freePercpu(c, hole); // a 20-byte hole at byte 4: slot 2
  assert.deepEqual(slotChunks(p, 2), [p.firstChunk]);
  const aligned = percpu.pcpuAlloc(c, 16, 16); // the hole cannot hold 16 bytes at 16-byte alignment
  assert.notEqual(chunkOf(percpu, aligned), p.firstChunk);
  assert.equal(offsetOf(percpu, aligned), 0, 'a new chunk');
  assert.deepEqual(slotChunks(p, 0), [p.firstChunk], 'sidelined to slot 0');
  const small = percpu.pcpuAlloc(c, 16, 4); // would fit the hole, but slot 0 is never searched
  assert.equal(chunkOf(percpu, small), chunkOf(percpu, aligned));
  assert.equal(offsetOf(percpu, small), 16);
  percpu.verify();
});
