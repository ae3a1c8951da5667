// replay-sizes: one pass over the shipped 6.12 capture on one CPU asks the
// percpu allocator for exactly the trace's sizes, frees what the trace
// freed, and leaves the allocator balanced after the drain.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TRACE } from '../src/workloads/replay-sizes.js';
import { readTraceItems } from '../src/workloads/trace-items.js';
import { runInput } from './fixtures/run-helpers.js';

const sizeClass = (size: number) => 2 ** Math.ceil(Math.log2(Math.max(size, 4)));

test('one pass of replay-sizes allocates the trace\'s size distribution and balances', async () => {
  const items = readTraceItems(DEFAULT_TRACE);
  // No warm-up: the threads engine warms up until steady, for however many operations that takes, and this counts one pass.
  const { result } = await runInput({ workload: 'replay-sizes', cpus: [1], strategies: ['baseline'], ops: items.length, warmup: 0 });
  const p = result.points[0]!;
  assert.equal(p.status, 'complete', p.failure?.message);
  assert.equal(p.tally.pcpuAllocFailures, 0);
  assert.equal(p.tally.pcpuAllocs, items.length);
  const expected = new Map<number, number>();
  for (const it of items) expected.set(sizeClass(it.size), (expected.get(sizeClass(it.size)) ?? 0) + 1);
  const got = new Map(p.percpu.sizeHistogram.map((b) => [b.le, b.count]));
  assert.deepEqual(got, expected);
  assert.ok(Object.values(p.checks).every((c) => c.status === 'passed'), JSON.stringify(p.checks));
  assert.ok(p.latency.pcpuAlloc!.count > 0 && p.latency.freePercpu!.count > 0);
});

test('lifetimes come from the trace: freed items have one, boot-time ones do not', () => {
  const items = readTraceItems(DEFAULT_TRACE);
  const freed = items.filter((i) => i.lifetime !== null).length;
  assert.ok(freed > 1500 && freed < items.length, `${freed} of ${items.length} items freed`);
  assert.ok(items.every((i) => i.lifetime === null || i.lifetime >= 0));
});
