import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resetLockStats } from '@percpu-lab/machine';
import { DirectFront, PercpuCounter, percpuCounterBatch, PercpuCounters, PERCPU_COUNTER_LOCK_CLASS, listLength } from '../src/index.js';
import { acquisitionsByClass, bootMm } from './helpers.js';

test('batch is max(32, 2 × CPUs)', () => {
  assert.equal(percpuCounterBatch(1), 32);
  assert.equal(percpuCounterBatch(16), 32);
  assert.equal(percpuCounterBatch(64), 128);
});

test('adds stay in this CPU\'s s32 until |delta| reaches the batch, then fold under the counter lock', () => {
  const m = bootMm({ nrCpus: 4, strategies: ['baseline'], setup: (k) => k.defineSymbol('test_fbc', k.memblockAlloc(3 * PercpuCounter.size)) });
  const [c0, c1] = [m.cpus[0]!, m.cpus[1]!];
  const pc = new PercpuCounters(m.kernel);
  const front = new DirectFront(m.kernel);
  const fbc = m.kernel.symbol('test_fbc');
  const listHead = m.kernel.symbol('percpu_counters');
  const allocsBefore = m.percpu.stats().nrCurAlloc;
  assert.ok(pc.percpuCounterInitMany(c0, fbc, 0, 3, front));
  assert.equal(m.percpu.stats().nrCurAlloc - allocsBefore, 1, 'one percpu allocation for all three');
  assert.equal(listLength(m.kernel.mem, listHead), 3);
  const f1 = pc.at(fbc, 1);

  resetLockStats(m.kernel);
  for (let i = 0; i < 31; i++) pc.percpuCounterAdd(c0, f1, 1);
  assert.equal(pc.percpuCounterRead(f1), 0, 'still local');
  assert.equal(acquisitionsByClass(m.kernel)[PERCPU_COUNTER_LOCK_CLASS] ?? 0, 0);
  pc.percpuCounterAdd(c0, f1, 1);
  assert.equal(pc.percpuCounterRead(f1), 32, 'folded');
  assert.equal(acquisitionsByClass(m.kernel)[PERCPU_COUNTER_LOCK_CLASS], 1);
  pc.percpuCounterAdd(c1, f1, -5);
  assert.equal(pc.percpuCounterSum(c0, f1), 27);
  assert.equal(pc.percpuCounterSum(c0, pc.at(fbc, 0)), 0, 'neighbours untouched');

  pc.percpuCounterDestroyMany(c0, fbc, 3, front);
  assert.equal(listLength(m.kernel.mem, listHead), 0);
  assert.equal(m.percpu.stats().nrCurAlloc, allocsBefore);
});
