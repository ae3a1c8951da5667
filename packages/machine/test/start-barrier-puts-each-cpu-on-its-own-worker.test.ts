// Every CPU of a run gets a worker thread of its own, all start together
// after the barrier, results come back indexed by CPU, and each CPU's PRNG
// is seeded from the run's seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threadId } from 'node:worker_threads';
import { PoolError } from '../src/pool/errors.js';
import { oversubscription } from '../src/pool/host.js';
import { runOnCpus } from '../src/pool/run-on-cpus.js';
import type { WhoAmI } from './fixtures/whoami.job.js';
import { bootTestKernel, fixtureJob } from './fixtures/test-kernel.js';

const job = { module: fixtureJob('whoami.job'), args: null };

test('4 CPUs run on 4 distinct workers, start within a few ms of each other, results by CPU', async () => {
  const kernel = bootTestKernel(4);
  const r = await runOnCpus<null, WhoAmI>({ kernel, cpus: 4, job, seed: 42 });
  assert.deepEqual(r.map((w) => w.cpu), [0, 1, 2, 3]);
  const threads = new Set(r.map((w) => w.threadId));
  assert.equal(threads.size, 4);
  assert.ok(!threads.has(threadId), 'no CPU runs on the main thread');
  const starts = r.map((w) => w.startedAtMs);
  assert.ok(Math.max(...starts) - Math.min(...starts) < 250, `start skew ${Math.max(...starts) - Math.min(...starts)} ms`);
  const again = await runOnCpus<null, WhoAmI>({ kernel, cpus: 4, job, seed: 42 });
  assert.deepEqual(again.map((w) => w.seedDraw), r.map((w) => w.seedDraw), 'same seed, same draws');
  assert.equal(new Set(r.map((w) => w.seedDraw)).size, 4, 'each CPU has its own stream');
});

test('bad requests are refused with a message that says what to do', async () => {
  const kernel = bootTestKernel(2);
  await assert.rejects(runOnCpus({ kernel, cpus: 3, job, seed: 1 }), (e: unknown) => e instanceof PoolError && /1\.\.2/.test(e.message));
  await assert.rejects(
    runOnCpus({ kernel, cpus: 1, job: { module: fixtureJob('no-such.job'), args: null }, seed: 1 }),
    (e: unknown) => e instanceof PoolError && /CPU 0 crashed/.test(e.message),
  );
});

test('oversubscription says how many CPUs share each host core', () => {
  const o = oversubscription(1000);
  assert.equal(o.oversubscribed, true);
  assert.equal(o.factor, 1000 / o.hostCores);
  assert.equal(oversubscription(1).oversubscribed, false);
});
