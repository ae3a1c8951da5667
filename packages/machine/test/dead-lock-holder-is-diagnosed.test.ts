// A CPU that stops while holding a lock must not hang the run: the pool
// reports which lock, which CPU holds it, and which CPUs wait for it —
// whether the holder's job returned, or its worker called process.exit.
// Two CPUs deadlocked on each other's locks (ABBA) are reported the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CpuCrashed, Deadlock } from '../src/pool/errors.js';
import { runOnCpus } from '../src/pool/run-on-cpus.js';
import type { HolderDiesArgs } from './fixtures/lock-holder-dies.job.js';
import { bootTestKernel, fixtureJob, TEST_MUTEX, TEST_SPINLOCK } from './fixtures/test-kernel.js';

function fails(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => assert.fail('run should fail'), (e: unknown) => e);
}

test('a job that returns holding a lock: deadlock naming the lock, its holder and the waiters', async () => {
  const kernel = bootTestKernel(3);
  const err = await fails(runOnCpus<HolderDiesArgs, string>({
    kernel,
    cpus: 3,
    job: { module: fixtureJob('lock-holder-dies.job'), args: { how: 'return' } },
    seed: 1,
  }));
  assert.ok(err instanceof Deadlock, String(err));
  assert.equal(err.waits.length, 1);
  assert.deepEqual(err.waits[0], {
    lock: TEST_SPINLOCK, addr: kernel.symbol(`lock:${TEST_SPINLOCK}`), holder: 0, holderState: 'offline', waiters: [1, 2],
  });
  assert.match(err.message, /CPUs 1, 2 wait for test_spinlock held by CPU 0 \(offline\)/);
  assert.equal(err.results[0], 'left holding the lock');
});

test('a worker that calls process.exit holding a lock: CpuCrashed with the lock diagnosis', async () => {
  const kernel = bootTestKernel(3);
  const err = await fails(runOnCpus<HolderDiesArgs, string>({
    kernel,
    cpus: 3,
    job: { module: fixtureJob('lock-holder-dies.job'), args: { how: 'exit' } },
    seed: 1,
  }));
  assert.ok(err instanceof CpuCrashed, String(err));
  assert.equal(err.cpu, 0);
  assert.match(err.reason, /exited with code: 3/);
  assert.match(err.message, /CPUs 1, 2 wait for test_spinlock held by CPU 0 \(dead\)/);
});

test('ABBA: two CPUs waiting for each other are reported once the watchdog sees no progress', async () => {
  const kernel = bootTestKernel(2);
  const t0 = Date.now();
  const err = await fails(runOnCpus<null, void>({ kernel, cpus: 2, job: { module: fixtureJob('abba.job'), args: null }, seed: 1, watchdogMs: 300 }));
  assert.ok(err instanceof Deadlock, String(err));
  const byLock = new Map(err.waits.map((w) => [w.lock, w]));
  assert.deepEqual(byLock.get(TEST_SPINLOCK)?.waiters, [0]);
  assert.equal(byLock.get(TEST_SPINLOCK)?.holder, 1);
  assert.deepEqual(byLock.get(TEST_MUTEX)?.waiters, [1]);
  assert.equal(byLock.get(TEST_MUTEX)?.holder, 0);
  assert.match(err.message, /no CPU made progress for 300 ms/);
  assert.ok(Date.now() - t0 < 10_000);
});
