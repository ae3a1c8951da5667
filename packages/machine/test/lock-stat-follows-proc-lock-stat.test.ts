// Lock statistics have /proc/lock_stat semantics: acquisitions equal the
// operations done, one CPU alone never contends or bounces, CPUs fighting
// over a lock record contentions, bounces and wait time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readLockStats, resetLockStats, type LockClassStats } from '../src/lockstat.js';
import { runOnCpus } from '../src/pool/run-on-cpus.js';
import type { Kernel } from '../src/kernel.js';
import type { LockCounterArgs } from './fixtures/lock-counter.job.js';
import { bootTestKernel, fixtureJob, testLockName, type TestLockKind } from './fixtures/test-kernel.js';

async function run(kernel: Kernel, cpus: number, args: LockCounterArgs): Promise<LockClassStats> {
  await runOnCpus({ kernel, cpus, job: { module: fixtureJob('lock-counter.job'), args }, seed: 7 });
  return readLockStats(kernel).find((s) => s.name === testLockName(args.kind))!;
}

for (const kind of ['mutex', 'spin'] as TestLockKind[]) {
  test(`${kind}: one CPU alone has acquisitions = ops and no contention, bounces or waits`, async () => {
    const s = await run(bootTestKernel(2), 1, { kind, ops: 20_000 });
    assert.equal(s.acquisitions, 20_000);
    assert.equal(s.contentions, 0);
    assert.equal(s.conBounces, 0);
    assert.equal(s.acqBounces, 0);
    assert.equal(s.waitTotalNs, 0);
    assert.ok(s.holdTotalNs > 0 && s.holdMinNs > 0 && s.holdMinNs <= s.holdMaxNs);
  });

  test(`${kind}: contended CPUs record contentions, bounces and wait time`, async () => {
    const cpus = 4;
    const ops = 5_000;
    // Holding the lock for a few µs makes the other CPUs wait for it.
    const s = await run(bootTestKernel(cpus), cpus, { kind, ops, holdNs: 5_000 });
    assert.equal(s.acquisitions, cpus * ops);
    assert.ok(s.contentions > 0, 'no contention recorded');
    assert.ok(s.contentions <= s.acquisitions);
    assert.ok(s.conBounces > 0 && s.conBounces <= s.contentions);
    assert.ok(s.acqBounces > 0 && s.acqBounces <= s.acquisitions);
    assert.ok(s.waitTotalNs > 0 && s.waitMinNs > 0 && s.waitMinNs <= s.waitMaxNs && s.waitMaxNs <= s.waitTotalNs);
    assert.ok(s.holdMinNs > 0 && s.holdMinNs <= s.holdMaxNs && s.holdMaxNs <= s.holdTotalNs);
  });
}

test('resetLockStats zeroes every CPU, and statistics can be switched off', async () => {
  const kernel = bootTestKernel(2);
  await run(kernel, 2, { kind: 'mutex', ops: 1000 });
  resetLockStats(kernel);
  assert.ok(readLockStats(kernel).every((s) => s.acquisitions === 0 && s.contentions === 0 && s.holdTotalNs === 0));
  const off = bootTestKernel(2, { lockStat: false });
  const s = await run(off, 2, { kind: 'mutex', ops: 1000 });
  assert.equal(s.acquisitions, 0);
});
