// pcpuAllocBulk: n areas for one hold of pcpu_alloc_mutex and one pcpu_lock
// per fit pass, and exactly the areas n sequential pcpuAlloc calls return —
// a sleeping search never looks at population, so claiming a pass's areas
// before populating them changes no placement. Two identically booted
// machines run the same history; one ends with a bulk call, the other with
// the loop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readLockStats, resetLockStats, type Kernel } from '@percpu-lab/machine';
import { bootPercpu, chunkOf, SMALL_GEOMETRY, type PercpuTestMachine } from './helpers.js';
import { GFP_ATOMIC } from '../src/constants.js';

function acquisitions(kernel: Kernel): { mutex: number; spin: number } {
  const s = readLockStats(kernel);
  const get = (name: string) => s.find((x) => x.name === name)!.acquisitions;
  return { mutex: get('pcpu_alloc_mutex'), spin: get('pcpu_lock') };
}

/** A fragmented first chunk: areas of mixed sizes, every third one freed again. */
function history(m: PercpuTestMachine): void {
  const c = m.cpu(0);
  const live = [12, 40, 8, 100, 64, 24, 4, 256, 36, 16, 512, 20].map((size, i) => m.percpu.pcpuAlloc(c, size, i % 3 === 0 ? 16 : 4));
  live.forEach((ptr, i) => i % 3 === 1 && m.percpu.freePercpu(c, ptr));
}

test('a bulk allocation returns the areas of n sequential pcpuAlloc calls, with the mutex taken once', () => {
  const size = 48;
  const align = 16;
  // More than the rest of the 16 KiB first chunk holds: the batch fills it,
  // creates a chunk and populates pages of it.
  const n = 400;
  const bulk = bootPercpu({ nrCpus: 2, geometry: SMALL_GEOMETRY, lockStat: true });
  const loop = bootPercpu({ nrCpus: 2, geometry: SMALL_GEOMETRY, lockStat: true });
  history(bulk);
  history(loop);

  resetLockStats(loop.kernel);
  const expected = Array.from({ length: n }, () => loop.percpu.pcpuAlloc(loop.cpu(0), size, align));
  const seq = acquisitions(loop.kernel);

  resetLockStats(bulk.kernel);
  const out = new Uint32Array(n);
  assert.equal(bulk.percpu.pcpuAllocBulk(bulk.cpu(0), size, align, n, out), n);
  const got = acquisitions(bulk.kernel);

  assert.deepEqual([...out], expected, 'same areas, same order');
  assert.ok(new Set(expected.map((ptr) => chunkOf(loop.percpu, ptr))).size === 2, 'the batch spans the first chunk and a new one');
  assert.equal(seq.mutex, n);
  assert.equal(got.mutex, 1, 'pcpu_alloc_mutex once for the whole batch');
  // Sequential: one pcpu_lock per call, one more for the call that retried
  // after creating the chunk, one for the chunk statistics, one per populated
  // run. Bulk: one per fit pass (two: before and after the new chunk), the
  // chunk statistics, the same populated runs.
  const populations = seq.spin - n - 2;
  assert.ok(populations > 0, 'pages of the new chunk were populated');
  assert.equal(got.spin, 2 + 1 + populations);

  const [a, b] = [bulk.percpu.stats(), loop.percpu.stats()];
  assert.deepEqual({ ...a, chunks: undefined }, { ...b, chunks: undefined }, 'same counters, populated pages, histogram');
  bulk.percpu.verify();
  loop.percpu.verify();
});

test('bulk areas read as zero in every unit', () => {
  const { percpu, cpu, kernel } = bootPercpu({ nrCpus: 4 });
  const c = cpu(1);
  const dirty = Array.from({ length: 8 }, () => percpu.pcpuAlloc(c, 64, 8));
  for (const ptr of dirty) for (let u = 0; u < 4; u++) kernel.mem.i32.fill(-1, percpu.perCpuPtr(ptr, u) >> 2, (percpu.perCpuPtr(ptr, u) + 64) >> 2);
  for (const ptr of dirty) percpu.freePercpu(c, ptr);
  const out: number[] = [];
  assert.equal(percpu.pcpuAllocBulk(c, 64, 8, 8, out), 8);
  assert.deepEqual([...out].sort(), [...dirty].sort(), 'the freed areas are handed out again');
  for (const ptr of out) {
    for (let u = 0; u < 4; u++) {
      const a = percpu.perCpuPtr(ptr, u) >> 2;
      assert.ok(kernel.mem.i32.subarray(a, a + 16).every((w) => w === 0), `area ${ptr} of CPU ${u} is zeroed`);
    }
  }
});

test('an atomic bulk allocation takes no mutex and stops where populated room ends, counting one failure', () => {
  const { kernel, percpu, cpu } = bootPercpu({ nrCpus: 2, geometry: SMALL_GEOMETRY, lockStat: true });
  const c = cpu(0);
  percpu.pcpuAlloc(c, 16000, 4); // leaves 384 bytes of the first chunk; no other chunk exists
  resetLockStats(kernel);
  const out: number[] = [];
  const got = percpu.pcpuAllocBulk(c, 32, 32, 20, out, GFP_ATOMIC);
  assert.ok(got > 0 && got < 20, `some areas fit (${got})`);
  assert.deepEqual(acquisitions(kernel), { mutex: 0, spin: 1 });
  assert.equal(percpu.stats().failed, 1);
  assert.equal(percpu.stats().nrChunks, 1, 'an atomic request creates no chunk');
  percpu.verify();
});
