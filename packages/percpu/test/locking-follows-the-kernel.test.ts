// The kernel's locking (mm/percpu.c): a sleeping allocation takes
// pcpu_alloc_mutex once and pcpu_lock around the search (again around each
// population); free_percpu takes only pcpu_lock; an atomic allocation never
// takes the mutex, finds room only in populated pages and fails rather than
// create or populate, leaving that to balance work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readLockStats, resetLockStats, runPendingWork, type Kernel } from '@percpu-lab/machine';
import { bootPercpu, chunkOf, SMALL_GEOMETRY } from './helpers.js';
import { GFP_ATOMIC } from '../src/constants.js';

function acquisitions(kernel: Kernel): { mutex: number; spin: number } {
  const s = readLockStats(kernel);
  const get = (name: string) => s.find((x) => x.name === name)!.acquisitions;
  return { mutex: get('pcpu_alloc_mutex'), spin: get('pcpu_lock') };
}

test('lock acquisitions per operation match the kernel', () => {
  const { kernel, percpu, cpu } = bootPercpu({ nrCpus: 2, lockStat: true });
  const c = cpu(0);
  resetLockStats(kernel);
  const a = percpu.pcpuAlloc(c, 16, 8);
  assert.deepEqual(acquisitions(kernel), { mutex: 1, spin: 1 }, 'GFP_KERNEL, populated first chunk');
  percpu.freePercpu(c, a);
  assert.deepEqual(acquisitions(kernel), { mutex: 1, spin: 2 }, 'free: pcpu_lock only');
  const b = percpu.pcpuAlloc(c, 16, 8, false, GFP_ATOMIC);
  assert.notEqual(b, 0);
  assert.deepEqual(acquisitions(kernel), { mutex: 1, spin: 3 }, 'GFP_ATOMIC: never the mutex');
});

test('atomic allocations use only populated pages and fail instead of creating a chunk', () => {
  const { kernel, percpu, cpu } = bootPercpu({ nrCpus: 2, geometry: SMALL_GEOMETRY, lockStat: true });
  const c = cpu(0);
  const p = percpu.ctx;
  percpu.pcpuAlloc(c, 16384, 4); // the first chunk is full
  runPendingWork(c); // balance work: a new chunk with 4 populated pages
  assert.equal(percpu.stats().nrChunks, 2);
  const fits = percpu.pcpuAlloc(c, 16384, 4, false, GFP_ATOMIC);
  assert.notEqual(fits, 0, 'four populated pages hold it');
  assert.notEqual(chunkOf(percpu, fits), p.firstChunk);
  resetLockStats(kernel);
  const populatedBefore = percpu.stats().nrPopulated;
  assert.equal(percpu.pcpuAlloc(c, 8192, 4, false, GFP_ATOMIC), 0, 'the rest of the chunk is not populated');
  assert.equal(percpu.stats().failed, 1);
  assert.equal(acquisitions(kernel).mutex, 0);
  assert.equal(percpu.stats().nrPopulated, populatedBefore, 'an atomic request populates nothing');
  assert.equal(percpu.stats().nrChunks, 2, 'nor creates a chunk');
  runPendingWork(c); // the failure asked balance work for PCPU_EMPTY_POP_PAGES_HIGH pages
  assert.ok(percpu.stats().emptyPopPages >= 4);
  assert.notEqual(percpu.pcpuAlloc(c, 8192, 4, false, GFP_ATOMIC), 0);
  percpu.verify();
});
