// pcpu_balance_workfn runs as deferred work, never inside the allocation
// or free that scheduled it: the allocation that drops the empty populated
// pages below PCPU_EMPTY_POP_PAGES_LOW only marks it pending; the CPU that
// next reaches a scheduling point runs it, under both locks, and keeps
// LOW..HIGH empty pages populated (creating a chunk when none has pages left
// to populate). The real capture shows this: a kworker creates the one chunk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readLockStats, resetLockStats, runPendingWork, workPending } from '@percpu-lab/machine';
import { bootPercpu } from './helpers.js';
import { PCPU_EMPTY_POP_PAGES_HIGH } from '../src/constants.js';

test('balance work is scheduled by the allocation and run later by whichever CPU gets there', () => {
  const { kernel, percpu, cpu } = bootPercpu({ nrCpus: 2, lockStat: true });
  const work = kernel.symbol('work:pcpu_balance_work');
  // The first chunk has 7 pages; leave one empty.
  percpu.pcpuAlloc(cpu(0), 24576, 4);
  assert.equal(percpu.stats().emptyPopPages, 1);
  assert.ok(workPending(kernel, work));
  assert.equal(percpu.stats().nrChunks, 1, 'the allocation did not run it');
  resetLockStats(kernel);
  assert.equal(runPendingWork(cpu(1)), 1);
  assert.equal(runPendingWork(cpu(0)), 0, 'it ran once');
  const s = percpu.stats();
  assert.equal(s.nrChunks, 2, 'no chunk had unpopulated pages: balance work made one');
  assert.equal(s.emptyPopPages, PCPU_EMPTY_POP_PAGES_HIGH);
  const locks = readLockStats(kernel);
  assert.equal(locks.find((l) => l.name === 'pcpu_alloc_mutex')!.acquisitions, 1);
  assert.ok(locks.find((l) => l.name === 'pcpu_lock')!.acquisitions >= 2);
  percpu.verify();
});
