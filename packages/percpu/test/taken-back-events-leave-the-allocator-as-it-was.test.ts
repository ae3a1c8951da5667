// The replayer's undo records: allocations (including ones that populate
// pages), frees, and a run of balance work (which populates pages), taken
// back newest first, leave the allocator as if they had never happened. Two
// machines run the same history; one also runs a burst of events (or the
// balance work) and takes it all back; then both run the same continuation
// and must hand out the same areas and end with the same statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pcpuSearch } from '../src/alloc.js';
import { PCPU_MIN_ALLOC_SIZE } from '../src/constants.js';
import { runPendingWork } from '@percpu-lab/machine';
import { pcpuScheduleBalanceWork } from '../src/balance.js';
import { bootReplayMachine, type ReplayMachine } from '../src/replay/machine.js';
import { undoForAlloc, undoForBalanceWork, undoForFree, type UndoRecord } from '../src/replay/undo.js';

const GEOMETRY = { unitSize: 65536, staticSize: 20000, reservedSize: 8192, dynSize: 20480, nrPossible: 4 };

function rng(seed: number): () => number {
  let a = seed;
  return () => ((a = (Math.imul(a, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

/** Random allocations and frees; with `undos`, an undo record is made before each one. */
function run(m: ReplayMachine, live: number[], n: number, rand: () => number, freeShare: number, undos?: UndoRecord[]): number[] {
  const p = m.percpu.ctx;
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const cpu = m.cpu(Math.floor(rand() * 4));
    if (live.length > 0 && rand() < freeShare) {
      const ptr = live.splice(Math.floor(rand() * live.length), 1)[0]!;
      const chunk = p.i32[(p.chunkTable >> 2) + Math.floor(ptr / p.vaSpan)]!;
      undos?.push(undoForFree(p, chunk, ptr % p.vaSpan));
      m.percpu.freePercpu(cpu, ptr);
      out.push(-ptr);
      continue;
    }
    const size = rand() < 0.8 ? 16 : 64 * (1 + Math.floor(rand() * 32));
    const align = rand() < 0.5 ? 8 : 4;
    if (undos !== undefined) {
      const chunk = pcpuSearch(p, size, align, false, false, false);
      assert.ok(chunk !== 0, 'the burst fits in existing chunks');
      undos.push(undoForAlloc(p, cpu, chunk, p.foundBitOff, size / PCPU_MIN_ALLOC_SIZE, p.largest, true));
    }
    const ptr = m.percpu.pcpuAlloc(cpu, size, align);
    live.push(ptr);
    out.push(ptr);
  }
  return out;
}

test('a burst of allocations and frees taken back leaves the allocator as it was', () => {
  const a = bootReplayMachine(GEOMETRY);
  const b = bootReplayMachine(GEOMETRY);
  const liveA: number[] = [];
  const liveB: number[] = [];
  // A history that needs a second chunk, lazily populated.
  run(a, liveA, 300, rng(1), 0.2);
  run(b, liveB, 300, rng(1), 0.2);
  assert.equal(a.percpu.stats().nrChunks, 2, "the first chunk and one created chunk");
  const populatedBefore = a.percpu.stats().chunks.map((c) => c.emptyPopPages);

  const undos: UndoRecord[] = [];
  const burstLive = [...liveA];
  run(a, burstLive, 120, rng(2), 0.2, undos);
  assert.ok(undos.some((u) => u.populates), 'some allocation of the burst populated pages');
  for (let k = undos.length - 1; k >= 0; k--) undos[k]!.restore();
  assert.deepEqual(a.percpu.stats().chunks.map((c) => c.emptyPopPages), populatedBefore);
  a.percpu.verify();

  assert.deepEqual(run(a, liveA, 600, rng(3), 0.5), run(b, liveB, 600, rng(3), 0.5));
  a.percpu.verify();
  assert.deepEqual(a.percpu.stats(), b.percpu.stats());
});

test('balance work taken back leaves the allocator as it was', () => {
  const a = bootReplayMachine(GEOMETRY);
  const b = bootReplayMachine(GEOMETRY);
  const liveA: number[] = [];
  const liveB: number[] = [];
  for (const [m, live] of [[a, liveA], [b, liveB]] as const) {
    run(m, live, 300, rng(4), 0.2);
    runPendingWork(m.cpu(0));
    // Use up the empty populated pages, so that balance work has pages to populate.
    while (m.percpu.stats().emptyPopPages > 0) live.push(m.percpu.pcpuAlloc(m.cpu(0), 4096, 4096));
    pcpuScheduleBalanceWork(m.percpu.ctx);
  }
  const before = a.percpu.stats();
  const undo = undoForBalanceWork(a.percpu.ctx, a.cpu(1));
  assert.equal(runPendingWork(a.cpu(1)), 1);
  assert.notDeepEqual(a.percpu.stats().chunks.map((c) => c.emptyPopPages), before.chunks.map((c) => c.emptyPopPages), 'the balance work populated pages');
  undo.restore();
  a.percpu.verify();
  assert.deepEqual(a.percpu.stats(), before);
  // Both still have the balance work pending; it runs the same way in the continuation.
  assert.deepEqual(run(a, liveA, 600, rng(5), 0.5), run(b, liveB, 600, rng(5), 0.5));
  a.percpu.verify();
  assert.deepEqual(a.percpu.stats(), b.percpu.stats());
});
