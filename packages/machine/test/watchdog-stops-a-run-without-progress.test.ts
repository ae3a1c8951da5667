// A CPU that keeps running without reporting progress (and waits for no
// lock) trips the watchdog: WatchdogTimeout, not a deadlock, and the CPUs
// are told to stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Deadlock, WatchdogTimeout } from '../src/pool/errors.js';
import { runOnCpus } from '../src/pool/run-on-cpus.js';
import { bootTestKernel, fixtureJob } from './fixtures/test-kernel.js';

test('no progress for watchdogMs ends the run with WatchdogTimeout', async () => {
  const kernel = bootTestKernel(2);
  const err = await runOnCpus<null, number>({ kernel, cpus: 2, job: { module: fixtureJob('no-progress.job'), args: null }, seed: 1, watchdogMs: 300 })
    .then(() => assert.fail('run should fail'), (e: unknown) => e);
  assert.ok(err instanceof WatchdogTimeout && !(err instanceof Deadlock), String(err));
  assert.match(err.message, /no CPU made progress for 300 ms: no CPU was waiting for a lock/);
  assert.equal(err.results[1], 0);
  // CPU 0 saw the stop request and returned its count inside the grace period.
  assert.ok(typeof err.results[0] === 'number' && err.results[0] > 0);
});
