// A CpuPool keeps its workers from run to run: many runs land on the same
// worker threads, each CPU attached to that run's own freshly booted kernel.
// A run that fails — a CPU throws, a worker dies, a deadlock — throws its
// workers away, and the next run starts on fresh ones and completes; a run
// that needs more CPUs than the pool has starts a larger set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threadId as mainThread } from 'node:worker_threads';
import { CpuPool } from '../src/pool/cpu-pool.js';
import { CpuCrashed, Deadlock } from '../src/pool/errors.js';
import type { Kernel } from '../src/kernel.js';
import type { CrashArgs } from './fixtures/crash.job.js';
import type { HolderDiesArgs } from './fixtures/lock-holder-dies.job.js';
import type { WhoAmI } from './fixtures/whoami.job.js';
import { bootTestKernel, fixtureJob, TEST_COUNTER } from './fixtures/test-kernel.js';

const whoami = { module: fixtureJob('whoami.job'), args: null };

/** A fresh kernel whose TEST_COUNTER word holds `mark`, so a CPU can tell which kernel it attached to. */
function markedKernel(cpus: number, mark: number): Kernel {
  const kernel = bootTestKernel(cpus);
  Atomics.store(kernel.mem.i32, kernel.symbol(TEST_COUNTER) >> 2, mark);
  return kernel;
}

test('runs on one pool reuse the same worker threads, each on its own fresh kernel', async () => {
  const pool = new CpuPool({ minThreads: 2 });
  try {
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await pool.run<null, WhoAmI>({ kernel: markedKernel(2, 100 + i), cpus: 2, job: whoami, seed: 1 }));
    const first = new Set(runs[0]!.threadIds);
    assert.equal(first.size, 2, 'two CPUs on two workers');
    assert.ok(!first.has(mainThread));
    runs.forEach((r, i) => {
      assert.deepEqual(new Set(r.threadIds), first, `run ${i} ran on the same workers`);
      assert.deepEqual(r.results.map((w) => w.threadId), r.threadIds, 'the pool reports where each CPU ran');
      assert.deepEqual(r.results.map((w) => w.kernelMark), [100 + i, 100 + i], `run ${i} attached to its own kernel`);
      assert.equal(r.warmRuns, i, 'runs the workers had done before');
      assert.equal(r.generation, 1);
    });
    const one = await pool.run<null, WhoAmI>({ kernel: markedKernel(1, 7), cpus: 1, job: whoami, seed: 1 });
    assert.ok(first.has(one.threadIds[0]!), 'a 1-CPU run takes one of the warm workers');
    assert.equal(one.results[0]!.kernelMark, 7);
    assert.deepEqual(new Set(pool.threadIds), first);
  } finally {
    await pool.destroy();
  }
});

test('a run with more CPUs than the pool has starts a larger set of workers', async () => {
  const pool = new CpuPool();
  try {
    const small = await pool.run<null, WhoAmI>({ kernel: markedKernel(3, 1), cpus: 1, job: whoami, seed: 1 });
    const big = await pool.run<null, WhoAmI>({ kernel: markedKernel(3, 2), cpus: 3, job: whoami, seed: 1 });
    assert.equal(small.generation, 1);
    assert.equal(big.generation, 2);
    assert.equal(big.warmRuns, 0);
    assert.equal(new Set(big.threadIds).size, 3);
    assert.deepEqual(big.results.map((w) => w.kernelMark), [2, 2, 2]);
  } finally {
    await pool.destroy();
  }
});

test('after a failed run the pool starts fresh workers, and the next run completes on them', async () => {
  const pool = new CpuPool({ minThreads: 3 });
  const fails = (p: Promise<unknown>) => p.then(() => assert.fail('run should fail'), (e: unknown) => e);
  try {
    const before = await pool.run<null, WhoAmI>({ kernel: markedKernel(3, 1), cpus: 3, job: whoami, seed: 1 });
    const failures: [string, () => Promise<unknown>, (e: unknown) => boolean][] = [
      ['a CPU throws', () => pool.run<CrashArgs, number>({ kernel: markedKernel(3, 0), cpus: 3, job: { module: fixtureJob('crash.job'), args: { crashCpu: 1, holdingLock: false } }, seed: 1 }),
        (e) => e instanceof CpuCrashed && e.cpu === 1],
      ['a worker exits holding a lock', () => pool.run<HolderDiesArgs, string>({ kernel: markedKernel(3, 0), cpus: 3, job: { module: fixtureJob('lock-holder-dies.job'), args: { how: 'exit' } }, seed: 1 }),
        (e) => e instanceof CpuCrashed && /WorkerDied|exited/.test(e.reason)],
      ['a deadlock leaves CPUs parked', () => pool.run<HolderDiesArgs, string>({ kernel: markedKernel(3, 0), cpus: 3, job: { module: fixtureJob('lock-holder-dies.job'), args: { how: 'return' } }, seed: 1, watchdogMs: 300 }),
        (e) => e instanceof Deadlock],
    ];
    let seen = new Set(before.threadIds);
    let generation = before.generation;
    for (const [what, run, expected] of failures) {
      const err = await fails(run());
      assert.ok(expected(err), `${what}: ${String(err)}`);
      assert.deepEqual(pool.threadIds, [], `${what}: the failed run's workers are gone`);
      const next = await pool.run<null, WhoAmI>({ kernel: markedKernel(3, 9), cpus: 3, job: whoami, seed: 1 });
      assert.deepEqual(next.results.map((w) => w.kernelMark), [9, 9, 9], `${what}: the next run completes`);
      assert.equal(next.warmRuns, 0, `${what}: on workers started for it`);
      assert.ok(next.generation > generation, `${what}: a new set of workers`);
      assert.ok(next.threadIds.every((t) => !seen.has(t)), `${what}: none of the old threads`);
      seen = new Set([...seen, ...next.threadIds]);
      generation = next.generation;
    }
  } finally {
    await pool.destroy();
  }
});
