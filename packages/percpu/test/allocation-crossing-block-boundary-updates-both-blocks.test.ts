// Known answer: an allocation that runs from the end of block 0 into block 1
// (pcpu_block_update_hint_alloc with s_index != e_index). Expected values
// follow the kernel's code by hand: block 0 ends wholly used with first_free
// past its end, block 1 is rescanned from the end of the allocation, and the
// chunk's contig hint is rebuilt across blocks 1–3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootPercpu, chunkOf, hintsOf, offsetOf, SMALL_GEOMETRY } from './helpers.js';
import { PcpuChunk } from '../src/layout.js';

test('an allocation spanning blocks 0 and 1 leaves the hints the kernel computes', () => {
  const { percpu, cpu } = bootPercpu({ nrCpus: 1, geometry: SMALL_GEOMETRY });
  const c = cpu(0);
  const a = percpu.pcpuAlloc(c, 4000, 4);
  const b = percpu.pcpuAlloc(c, 200, 4);
  assert.equal(offsetOf(percpu, a), 0);
  assert.equal(offsetOf(percpu, b), 4000, 'B starts right after A, 96 bytes before the page boundary');
  const chunk = chunkOf(percpu, b);
  assert.deepEqual(hintsOf(percpu, chunk, 0), { contig: 0, contigStart: 1000, scan: 0, scanStart: 0, left: 0, right: 0, firstFree: 1024 });
  assert.deepEqual(hintsOf(percpu, chunk, 1), { contig: 998, contigStart: 26, scan: 0, scanStart: 0, left: 0, right: 998, firstFree: 26 });
  const md = hintsOf(percpu, chunk, 'chunk');
  assert.equal(md.contig, 3046);
  assert.equal(md.contigStart, 1050);
  assert.equal(md.firstFree, 1050);
  assert.equal(md.right, 3046);
  const m = percpu.ctx.mem;
  assert.equal(PcpuChunk.freeBytes.get(m, chunk), 16384 - 4200);
  assert.equal(PcpuChunk.nrEmptyPopPages.get(m, chunk), 2, 'blocks 0 and 1 are no longer empty');
  percpu.verify();
});
