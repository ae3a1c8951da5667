// Chunk creation and destruction (pcpu_alloc, pcpu_balance_free): a chunk is
// created when no chunk can hold the request and no wholly free chunk
// exists; a wholly free chunk is used before creating another; balance work
// (run later, never inline) keeps one free chunk and destroys the rest,
// giving their pages back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPendingWork, workPending } from '@percpu-lab/machine';
import { bootPercpu, chunkOf, offsetOf, SMALL_GEOMETRY } from './helpers.js';
import { PcpuChunk } from '../src/layout.js';
import { slotChunks } from '../src/slots.js';

test('chunks are created when full, reused when free, and surplus free chunks destroyed by balance work', () => {
  const { kernel, percpu, cpu } = bootPercpu({ nrCpus: 2, geometry: SMALL_GEOMETRY });
  const c = cpu(0);
  const p = percpu.ctx;
  const work = kernel.symbol('work:pcpu_balance_work');
  const pagesAtBoot = p.pages.stats().nrFree;
  percpu.pcpuAlloc(c, 16384, 4);
  assert.equal(percpu.stats().nrChunks, 1);
  assert.ok(workPending(kernel, work), 'no empty populated pages left: balance work is scheduled');
  const s1 = percpu.pcpuAlloc(c, 32, 4);
  const second = chunkOf(percpu, s1);
  assert.notEqual(second, p.firstChunk);
  assert.equal(offsetOf(percpu, s1), 0);
  assert.equal(percpu.stats().nrChunks, 2);
  assert.equal(PcpuChunk.nrPopulated.get(p.mem, second), 1, 'only the page under the area is populated');

  assert.equal(runPendingWork(c), 1);
  assert.equal(PcpuChunk.nrPopulated.get(p.mem, second), 5, 'balance work populated 4 empty pages');
  assert.equal(percpu.stats().emptyPopPages, 4);
  assert.equal(percpu.stats().nrChunks, 2, 'a chunk with unpopulated pages was there: none created');

  const big1 = percpu.pcpuAlloc(c, 32768, 4);
  assert.equal(chunkOf(percpu, big1), second);
  const big2 = percpu.pcpuAlloc(c, 32768, 4); // 32736 bytes left in the second chunk
  const third = chunkOf(percpu, big2);
  assert.ok(third !== second && third !== p.firstChunk);
  assert.equal(percpu.stats().nrChunks, 3);
  runPendingWork(c);
  percpu.freePercpu(c, big2); // the third chunk is wholly free now
  const big3 = percpu.pcpuAlloc(c, 32768, 4);
  assert.equal(chunkOf(percpu, big3), third, 'the free chunk is used before creating another');
  assert.equal(percpu.stats().nrChunks, 3);

  percpu.freePercpu(c, big3);
  percpu.freePercpu(c, big1); // the second chunk, 8 of 9 pages empty, is isolated for depopulation
  assert.deepEqual(slotChunks(p, p.toDepopulateSlot), [second]);
  percpu.freePercpu(c, s1);
  assert.ok(workPending(kernel, work));
  assert.equal(percpu.stats().nrChunks, 3, 'free_percpu never destroys inline');
  runPendingWork(c);
  // pcpu_reclaim_populated gave back all the second chunk's pages and put it
  // at the head of the free slot; the empty-only pass spares the populated third.
  assert.equal(PcpuChunk.nrPopulated.get(p.mem, second), 0);
  assert.deepEqual(slotChunks(p, p.freeSlot), [second, third]);
  assert.equal(percpu.stats().nrChunks, 3);
  const tiny = percpu.pcpuAlloc(c, 4, 4);
  assert.equal(chunkOf(percpu, tiny), second, 'the head of the free slot serves it');
  percpu.freePercpu(c, tiny); // wholly free again while another free chunk exists
  assert.ok(workPending(kernel, work));
  runPendingWork(c);
  assert.equal(percpu.stats().nrChunks, 2, 'balance work keeps one free chunk');
  assert.deepEqual(slotChunks(p, p.freeSlot), [second]);
  percpu.verify();
  const pagesOfSecond =
    (1 << PcpuChunk.metaOrder.get(p.mem, second)) + (1 << PcpuChunk.pageTableOrder.get(p.mem, second)) + 2 * PcpuChunk.nrPopulated.get(p.mem, second);
  p.pages.drainAllPages(c);
  assert.equal(pagesAtBoot - p.pages.stats().nrFree, pagesOfSecond, 'the destroyed chunk gave back every page');
});
