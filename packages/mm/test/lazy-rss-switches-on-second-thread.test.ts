import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resetLockStats } from '@percpu-lab/machine';
import { MM_FILEPAGES, MM_SHMEMPAGES } from '../src/index.js';
import { acquisitionsByClass, bootMm } from './helpers.js';

test('lazy-rss: atomics while single-threaded, percpu counters from the second thread, sums exact across the switch', () => {
  const m = bootMm({ nrCpus: 4, strategies: ['lazy-rss'] });
  const [c0, c1, c2] = [m.cpus[0]!, m.cpus[1]!, m.cpus[2]!];
  const ops = m.ops['lazy-rss']!;
  const before = m.percpu.stats().nrCurAlloc;
  resetLockStats(m.kernel);
  const mm = ops.mmAlloc(c0);
  assert.equal(m.percpu.stats().nrCurAlloc - before, 1, 'only mm_cid while single-threaded');
  for (let i = 0; i < 100; i++) ops.addMmCounter(c0, mm, MM_FILEPAGES, 1);
  assert.equal(acquisitionsByClass(m.kernel).percpu_counters_lock ?? 0, 0);

  ops.mmAddThread(c0, mm);
  assert.equal(m.percpu.stats().nrCurAlloc - before, 2, 'rss counters allocated at the switch');
  assert.equal(acquisitionsByClass(m.kernel).percpu_counters_lock, 1);
  ops.mmAddThread(c0, mm);
  assert.equal(m.percpu.stats().nrCurAlloc - before, 2, 'a third thread changes nothing');

  for (let i = 0; i < 100; i++) ops.addMmCounter(c1, mm, MM_FILEPAGES, 1);
  ops.addMmCounter(c2, mm, MM_SHMEMPAGES, 7);
  assert.equal(ops.getMmCounterSum(c2, mm, MM_FILEPAGES), 200, 'atomic residue plus percpu deltas');
  assert.equal(ops.getMmCounterSum(c0, mm, MM_SHMEMPAGES), 7);
  ops.addMmCounter(c0, mm, MM_FILEPAGES, -200);
  ops.addMmCounter(c0, mm, MM_SHMEMPAGES, -7);
  ops.mmdrop(c0, mm);
  assert.equal(m.percpu.stats().nrCurAlloc, before);
  m.percpu.verify();
});
