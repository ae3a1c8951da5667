// spawn-remote: every child's mm is handed through the ring in kernel
// memory to the next CPU, which drops it there — the cross-CPU free — and
// the allocators still verify and balance afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInput } from './fixtures/run-helpers.js';

test('spawn-remote drops mms on the other CPU and keeps every check passing', async () => {
  const { result } = await runInput({ workload: 'spawn-remote', cpus: [2], strategies: ['baseline', 'slab-dtor'], ops: 500, warmup: 100, workNs: 500 });
  assert.equal(result.status, 'complete', result.failure?.message);
  for (const p of result.points) {
    const t = p.tally;
    assert.ok(t.remoteDrops > 0, `${p.strategy}: no remote drop`);
    assert.equal(t.mmAllocs, t.mmDrops);
    // Only a full ring makes a CPU drop its own child (a run bounded by ops ends
    // each CPU between cycles, so finish() holds no mm of its own); every other drop crossed CPUs.
    assert.equal(t.remoteDrops + t.handoffRingFull, t.mmDrops, `${p.strategy}: ${JSON.stringify(t)}`);
    assert.ok(Object.values(p.checks).every((c) => c.status === 'passed'), JSON.stringify(p.checks));
  }
});
