// threads: a process gains a second thread with the given probability, the
// moment lazy-rss moves its rss counters from atomics to percpu counters;
// the counts must survive the switch (check_mm on every drop) and the
// allocators must balance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInput } from './fixtures/run-helpers.js';

test('with --thread-prob 1 every process gains a thread, and lazy-rss keeps every count', async () => {
  const { result } = await runInput({ workload: 'threads', cpus: [2], strategies: ['lazy-rss'], ops: 800, warmup: 100, workNs: 500, threadProb: 1 });
  const p = result.points[0]!;
  assert.equal(p.status, 'complete', p.failure?.message);
  assert.equal(p.tally.threadsAdded, p.tally.mmAllocs);
  assert.ok(Object.values(p.checks).every((c) => c.status === 'passed'), JSON.stringify(p.checks));
  // Every process switched: each lifetime made its mm_cid and its rss percpu allocation.
  assert.equal(p.percpu.allocations, 2 * p.tally.mmAllocs);
});

test('with --thread-prob 0 no process gains a thread and lazy-rss allocates no rss percpu area', async () => {
  const { result } = await runInput({ workload: 'threads', cpus: [1], strategies: ['lazy-rss'], ops: 800, warmup: 100, workNs: 500, threadProb: 0 });
  const p = result.points[0]!;
  assert.equal(p.status, 'complete', p.failure?.message);
  assert.ok(Object.values(p.checks).every((c) => c.status === 'passed'), JSON.stringify(p.checks));
  assert.ok(p.tally.mmAllocs > 0, 'processes were created');
  assert.equal(p.tally.threadsAdded, 0);
  // Only mm_cid went to the percpu allocator.
  assert.equal(p.percpu.allocations, p.tally.mmAllocs);
});
