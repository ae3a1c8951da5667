// Both lock kinds keep a plain (non-atomic) counter exact when 2, 4 and 8
// worker CPUs each do 200 000 lock / increment / unlock — including 8 CPUs
// on a 2-core host, which a lock that only spins would not survive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readLockStats } from '../src/lockstat.js';
import { runOnCpus } from '../src/pool/run-on-cpus.js';
import type { LockCounterArgs } from './fixtures/lock-counter.job.js';
import { bootTestKernel, fixtureJob, TEST_COUNTER, testLockName, type TestLockKind } from './fixtures/test-kernel.js';

const OPS = 200_000;

for (const kind of ['mutex', 'spin'] as TestLockKind[]) {
  for (const cpus of [2, 4, 8]) {
    test(`${kind}: ${cpus} CPUs x ${OPS} increments under the lock give an exact count`, async () => {
      const kernel = bootTestKernel(cpus);
      const t0 = performance.now();
      const done = await runOnCpus<LockCounterArgs, number>({
        kernel,
        cpus,
        job: { module: fixtureJob('lock-counter.job'), args: { kind, ops: OPS } },
        seed: 1,
      });
      const seconds = (performance.now() - t0) / 1000;
      assert.deepEqual(done, new Array(cpus).fill(OPS));
      assert.equal(kernel.mem.i32[kernel.symbol(TEST_COUNTER) >> 2], cpus * OPS);
      const stat = readLockStats(kernel).find((s) => s.name === testLockName(kind))!;
      assert.equal(stat.acquisitions, cpus * OPS);
      // "Promptly": a collapsing spinlock takes minutes here; a sane one a few seconds.
      assert.ok(seconds < 60, `${cpus} CPUs took ${seconds.toFixed(1)} s`);
    });
  }
}
