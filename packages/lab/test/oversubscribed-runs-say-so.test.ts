// More emulated CPUs than host cores: every output says so — the summary,
// the result JSON (top-level flag and per-point factor) and the report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { renderRun } from '../src/report/render.js';
import { MAX_THREADS_CPUS } from '../src/scenario/schema.js';
import { runInput } from './fixtures/run-helpers.js';

const tooMany = availableParallelism() >= MAX_THREADS_CPUS;

test('a run with more CPUs than host cores is marked oversubscribed everywhere', { skip: tooMany && 'this host has too many cores to oversubscribe' }, async () => {
  const cpus = availableParallelism() + 1;
  const { result, log } = await runInput({ workload: 'doexec', cpus: [cpus], strategies: ['slab-dtor'], ops: 200, warmup: 50, workNs: 500 });
  assert.equal(result.status, 'complete', result.failure?.message);
  assert.equal(result.oversubscribed, true);
  assert.ok(result.points[0]!.oversubscribed > 1);
  assert.match(result.oversubscription, new RegExp(`OVERSUBSCRIBED: ${cpus} emulated CPUs on ${cpus - 1} host cores`));
  assert.ok(log.includes(result.oversubscription));
  for (const detail of ['summary', 'full'] as const) {
    assert.ok(renderRun(result, detail).includes(result.oversubscription), detail);
  }
});
