// A 2-CPU doexec run per strategy on real workers: every point completes,
// percpu verify() holds afterwards, no rss count is lost (every mm went
// through check_mm with its counters at zero, pages in = pages out), and
// after the drain no percpu allocation is left beyond boot's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInput, strategyNames } from './fixtures/run-helpers.js';

test('doexec on 2 CPUs passes verify, loses no rss count and leaks nothing, for every strategy', async () => {
  const strategies = strategyNames();
  assert.ok(strategies.length >= 5, `expected the five strategies, got ${strategies.join(', ')}`);
  const { result } = await runInput({
    workload: 'doexec', cpus: [2], strategies, ops: 800, warmup: 200, workNs: 500,
  });
  assert.equal(result.status, 'complete', result.failure?.message);
  assert.equal(result.points.length, strategies.length);
  for (const p of result.points) {
    assert.equal(p.status, 'complete', `${p.strategy}: ${p.failure?.message}`);
    assert.equal(p.lifetimes, 2 * 800, `${p.strategy} ran its ops on both CPUs`);
    assert.deepEqual(
      Object.fromEntries(Object.entries(p.checks).map(([k, c]) => [k, c.status])),
      { verify: 'passed', rss: 'passed', leak: 'passed' },
      `${p.strategy}: ${JSON.stringify(p.checks)}`,
    );
    assert.equal(p.tally.mmAllocs, p.tally.mmDrops);
    assert.ok(p.tally.rssMapped > 0 && p.tally.rssMapped === p.tally.rssUnmapped);
  }
});
