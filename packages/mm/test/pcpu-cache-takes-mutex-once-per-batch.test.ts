import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resetLockStats } from '@percpu-lab/machine';
import { acquisitionsByClass, bootMm, lifetime } from './helpers.js';

test('pcpu-cache: pcpu_alloc_mutex once per batch of areas, never on free, never in steady state', () => {
  const batch = 8;
  const m = bootMm({ nrCpus: 2, strategies: ['pcpu-cache'], mmOpts: { pcpuCacheBatch: batch } });
  const cpu = m.cpus[0]!;
  const ops = m.ops['pcpu-cache']!;
  const live = 40;

  resetLockStats(m.kernel);
  const mms = Array.from({ length: live }, () => ops.mmAlloc(cpu));
  assert.ok(mms.every((mm) => mm !== 0));
  // Two 16-byte areas per mm, one size class: lifetimes × 2 / batch refills.
  assert.equal(acquisitionsByClass(m.kernel).pcpu_alloc_mutex, Math.ceil((2 * live) / batch));
  assert.equal(ops.parkedPercpuBytes(), 0, 'every area of the refills is in use');

  resetLockStats(m.kernel);
  for (const mm of mms) ops.mmdrop(cpu, mm);
  const afterDrop = acquisitionsByClass(m.kernel);
  assert.equal(afterDrop.pcpu_alloc_mutex ?? 0, 0, 'frees and drains never take the mutex');
  // The stack keeps at most 2 × batch areas; drains gave the rest back under pcpu_lock.
  assert.ok(ops.parkedPercpuBytes() <= 2 * batch * 16 * m.kernel.nrCpus);
  assert.ok((afterDrop.pcpu_lock ?? 0) > 0);

  resetLockStats(m.kernel);
  for (let i = 0; i < 100; i++) lifetime(cpu, ops);
  const steady = acquisitionsByClass(m.kernel);
  assert.equal(steady.pcpu_alloc_mutex ?? 0, 0);
  assert.equal(steady.pcpu_lock ?? 0, 0);
  assert.equal(steady.percpu_counters_lock, 200, 'the counters still join and leave the global list');
});

test('pcpu-cache: parked bytes are the cached areas, and draining gives every one back', () => {
  const m = bootMm({ nrCpus: 2, strategies: ['pcpu-cache'], mmOpts: { pcpuCacheBatch: 4 } });
  const cpu = m.cpus[1]!;
  const ops = m.ops['pcpu-cache']!;
  const before = m.percpu.stats().nrCurAlloc;
  const mm = ops.mmAlloc(cpu);
  // One refill of 4 areas; the mm uses 2, so 2 areas × 16 B × 2 units are parked.
  assert.equal(m.percpu.stats().nrCurAlloc - before, 4);
  assert.equal(ops.parkedPercpuBytes(), 2 * 16 * 2);
  ops.mmdrop(cpu, mm);
  assert.equal(ops.parkedPercpuBytes(), 4 * 16 * 2);
  ops.drainCaches!(cpu);
  assert.equal(ops.parkedPercpuBytes(), 0);
  assert.equal(m.percpu.stats().nrCurAlloc, before);
  m.percpu.verify();
});
