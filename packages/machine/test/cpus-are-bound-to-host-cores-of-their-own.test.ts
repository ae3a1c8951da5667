// CPU k's thread is bound to the k-th host core the process may use, when
// the host has enough cores and taskset: the kernel's own view of each
// worker thread's affinity (/proc/thread-self/status) then names exactly
// that core. More CPUs than cores are left to the host scheduler, the
// threads unbound again. Where binding is impossible the pool says so
// (null cores) instead of pretending.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { allowedCores, coresFor, parseCpuList } from '../src/pool/affinity.js';
import { CpuPool } from '../src/pool/cpu-pool.js';
import type { WhoAmI } from './fixtures/whoami.job.js';
import { bootTestKernel, fixtureJob } from './fixtures/test-kernel.js';

const whoami = { module: fixtureJob('whoami.job'), args: null };
const canBind = process.platform === 'linux' && allowedCores().length >= 2 && spawnSync('taskset', ['-V']).status === 0;

test('cpu lists parse as the kernel prints them, and CPU k gets the k-th allowed core', () => {
  assert.deepEqual(parseCpuList('0-3,8,10-11'), [0, 1, 2, 3, 8, 10, 11]);
  assert.deepEqual(parseCpuList('5'), [5]);
  assert.deepEqual(parseCpuList('x'), []);
  assert.deepEqual(coresFor(2, [4, 6, 9]), [4, 6]);
  assert.deepEqual(coresFor(4, [4, 6, 9]), [null, null, null, null], 'more CPUs than cores: left to the scheduler');
  assert.deepEqual(coresFor(1, []), [null]);
});

test('each CPU thread runs bound to its own core; an oversubscribed run unbinds them', { skip: canBind ? false : 'needs Linux, taskset and two cores' }, async () => {
  const cores = allowedCores();
  const over = cores.length + 1;
  // One set of workers for both runs, so the second must unbind the threads the first bound.
  const pool = new CpuPool({ minThreads: over });
  try {
    const two = await pool.run<null, WhoAmI>({ kernel: bootTestKernel(2), cpus: 2, job: whoami, seed: 1 });
    assert.deepEqual(two.cores, [cores[0], cores[1]]);
    assert.deepEqual(two.results.map((w) => w.allowed), [String(cores[0]), String(cores[1])], 'the kernel sees each thread bound to its core');
    const many = await pool.run<null, WhoAmI>({ kernel: bootTestKernel(over), cpus: over, job: whoami, seed: 1 });
    assert.ok(many.cores.every((c) => c === null));
    assert.equal(many.generation, two.generation, 'the same workers');
    const all = new Set(many.results.map((w) => parseCpuList(w.allowed!).join(',')));
    assert.deepEqual([...all], [cores.join(',')], 'every thread may run on every allowed core');
  } finally {
    await pool.destroy();
  }
});
