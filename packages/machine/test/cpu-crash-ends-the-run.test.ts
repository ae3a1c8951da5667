// A CPU whose job throws ends the run within 2 s with CpuCrashed naming the
// CPU and the cause; the others are stopped, their partial results kept,
// and the pool is gone (a new run on the same kernel works).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CpuCrashed } from '../src/pool/errors.js';
import { runOnCpus } from '../src/pool/run-on-cpus.js';
import type { CrashArgs } from './fixtures/crash.job.js';
import { bootTestKernel, fixtureJob, testClockIndex } from './fixtures/test-kernel.js';

test('a throwing CPU is named with its error, quickly, and the others return what they have', async () => {
  const kernel = bootTestKernel(4);
  const err = await runOnCpus<CrashArgs, number>({
    kernel,
    cpus: 4,
    job: { module: fixtureJob('crash.job'), args: { crashCpu: 2, holdingLock: false } },
    seed: 1,
  }).then(() => assert.fail('run should fail'), (e: unknown) => e);
  const sinceCrash = Date.now() - kernel.mem.f64[testClockIndex(kernel)]!;
  assert.ok(err instanceof CpuCrashed, String(err));
  assert.equal(err.cpu, 2);
  assert.equal(err.reason, 'RangeError: CPU 2 fails on purpose');
  assert.match(err.message, /^CPU 2 crashed: RangeError: CPU 2 fails on purpose/);
  assert.ok(sinceCrash < 2000, `run ended ${sinceCrash} ms after the crash`);
  assert.equal(err.results[2], undefined);
  for (const c of [0, 1, 3]) assert.ok(typeof err.results[c] === 'number', `CPU ${c} returned its partial count`);

  const again = await runOnCpus<null, unknown>({ kernel, cpus: 2, job: { module: fixtureJob('whoami.job'), args: null }, seed: 1 });
  assert.equal(again.length, 2);
});

test('a crash while holding a lock names the lock and the CPUs left waiting for it', async () => {
  const kernel = bootTestKernel(3);
  const err = await runOnCpus<CrashArgs, number>({
    kernel,
    cpus: 3,
    job: { module: fixtureJob('crash.job'), args: { crashCpu: 0, holdingLock: true } },
    seed: 1,
  }).then(() => assert.fail('run should fail'), (e: unknown) => e);
  assert.ok(err instanceof CpuCrashed, String(err));
  assert.equal(err.cpu, 0);
  assert.match(err.message, /it held a lock others wait for: CPUs 1, 2 wait for test_mutex held by CPU 0 \(dead\)/);
});
