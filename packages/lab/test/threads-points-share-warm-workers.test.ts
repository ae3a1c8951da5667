// The threads engine keeps one CPU pool for the process: every point of a
// run — and of the next run — runs on the same worker threads, so the model
// code V8 compiled stays warm, while each point boots its own kernel (the
// machine's pool test proves each run's CPUs attach to that run's kernel;
// here every point's post-run checks pass). The first point on new workers
// is a warm-up, run again: no point is measured on workers that have seen
// only one kernel. A point that crashes a CPU throws the workers away; the
// next point starts on fresh ones and completes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResultPoint } from '../src/results/schema.js';
import { runInput } from './fixtures/run-helpers.js';

const SMALL = { workload: 'doexec', ops: 1500, warmup: 200, workNs: 0 };

const threadsOf = (p: ResultPoint): number[] => String(p.engineInfo.workerThreads).split(',').map(Number);

test('points of a run and of the next run share warm workers, each on a fresh kernel', async () => {
  const a = await runInput({ ...SMALL, cpus: [1, 2], strategies: ['baseline', 'slab-dtor'] });
  const b = await runInput({ ...SMALL, cpus: [2], strategies: ['baseline'] });
  const points = [...a.result.points, ...b.result.points];
  assert.equal(points.length, 5);
  const two = points.filter((p) => p.cpus === 2);
  const workers = new Set(threadsOf(two[0]!));
  assert.equal(workers.size, 2, 'two CPUs, two workers');
  for (const p of points) {
    assert.equal(p.status, 'complete', p.failure?.message);
    for (const t of threadsOf(p)) assert.ok(workers.has(t), `${p.strategy}@${p.cpus}: worker ${t} is one of ${[...workers]}`);
    for (const [name, c] of Object.entries(p.checks)) assert.equal(c.status, 'passed', `${p.strategy}@${p.cpus} ${name}: ${c.detail}`);
  }
  const warm = points.map((p) => Number(p.engineInfo.workerWarmPoints));
  assert.deepEqual(warm, [1, 2, 3, 4, 5], 'each point ran on workers that had run every point before it, and a warm-up run first');
  assert.equal(new Set(points.map((p) => p.engineInfo.workerGeneration)).size, 1, 'one set of workers throughout');
});

test('a point that crashes a CPU leaves the next point fresh workers, and it completes', async () => {
  const before = await runInput({ ...SMALL, cpus: [2], strategies: ['baseline'] });
  const crash = await runInput({ ...SMALL, ops: 1_000_000, cpus: [2], strategies: ['baseline'], faultInject: { cpu: 1, afterOps: 300, mode: 'crash' } });
  assert.equal(crash.result.status, 'partial');
  assert.equal(crash.result.failure?.kind, 'CpuCrashed');
  const after = await runInput({ ...SMALL, cpus: [2], strategies: ['baseline'] });
  const p = after.result.points[0]!;
  const old = before.result.points[0]!;
  assert.equal(p.status, 'complete', p.failure?.message);
  assert.equal(p.engineInfo.workerWarmPoints, 1, 'workers started for it, warmed up by one throwaway run');
  assert.ok(Number(p.engineInfo.workerGeneration) > Number(old.engineInfo.workerGeneration), 'a new set of workers');
  for (const t of threadsOf(p)) assert.ok(!threadsOf(old).includes(t), `worker ${t} is not one of the crashed run's`);
});
