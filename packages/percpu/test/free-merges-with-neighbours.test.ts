// Known answer for pcpu_free_area / pcpu_block_update_hint_free: freed areas
// merge with free neighbours, inside a block and across blocks (the blocks in
// between reset to wholly free, empty pages counted back).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootPercpu, chunkOf, hintsOf, offsetOf, SMALL_GEOMETRY } from './helpers.js';
import { PcpuChunk } from '../src/layout.js';

test('freeing the middle of three areas merges all three with the free space after them', () => {
  const { percpu, cpu } = bootPercpu({ nrCpus: 1, geometry: SMALL_GEOMETRY });
  const c = cpu(0);
  const [a, b, d, e] = [400, 400, 400, 400].map((size) => percpu.pcpuAlloc(c, size, 4));
  const chunk = chunkOf(percpu, a!);
  percpu.freePercpu(c, a!);
  percpu.freePercpu(c, d!);
  // Holes: [0,100) and [200,300) bits; E holds [300,400); free space from 400.
  let h = hintsOf(percpu, chunk, 0);
  assert.equal(h.contig, 624);
  assert.equal(h.contigStart, 400);
  assert.equal(h.left, 100, 'the hole at the start is left_free');
  assert.equal(h.firstFree, 0);
  percpu.freePercpu(c, b!);
  h = hintsOf(percpu, chunk, 0);
  assert.equal(h.left, 300, 'A, B and D merged into one run from bit 0');
  assert.equal(h.contig, 624);
  percpu.freePercpu(c, e!);
  h = hintsOf(percpu, chunk, 0);
  assert.deepEqual([h.contig, h.contigStart, h.left, h.right], [1024, 0, 1024, 1024], 'block 0 wholly free again');
  assert.equal(hintsOf(percpu, chunk, 'chunk').contig, 4096);
  assert.equal(PcpuChunk.nrEmptyPopPages.get(percpu.ctx.mem, chunk), 4);
  percpu.verify();
});

test('a free spanning three blocks resets the middle one and refreshes the chunk hint', () => {
  const { percpu, cpu } = bootPercpu({ nrCpus: 1, geometry: SMALL_GEOMETRY });
  const c = cpu(0);
  const head = percpu.pcpuAlloc(c, 2048, 4);
  const big = percpu.pcpuAlloc(c, 6144, 4); // bytes 2048–8191: blocks 0 and 1
  const tail = percpu.pcpuAlloc(c, 6144, 4); // bytes 8192–14335: blocks 2 and 3
  assert.deepEqual([head, big, tail].map((p) => offsetOf(percpu, p)), [0, 2048, 8192]);
  const chunk = chunkOf(percpu, big);
  assert.equal(PcpuChunk.nrEmptyPopPages.get(percpu.ctx.mem, chunk), 0);
  percpu.freePercpu(c, big);
  assert.equal(PcpuChunk.nrEmptyPopPages.get(percpu.ctx.mem, chunk), 1, 'block 1 is empty again');
  assert.deepEqual(hintsOf(percpu, chunk, 1), { contig: 1024, contigStart: 0, scan: 0, scanStart: 0, left: 1024, right: 1024, firstFree: 0 });
  percpu.freePercpu(c, head);
  const md = hintsOf(percpu, chunk, 'chunk');
  assert.deepEqual([md.contig, md.contigStart], [2048, 0], 'blocks 0 and 1 form one run');
  const again = percpu.pcpuAlloc(c, 8192, 4);
  assert.equal(offsetOf(percpu, again), 0, 'the merged run serves a two-page request');
  percpu.verify();
});
