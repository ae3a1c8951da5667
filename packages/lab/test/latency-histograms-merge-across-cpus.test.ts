// Latency percentiles: each CPU's HDR histogram travels compressed; the
// merged distribution holds every CPU's samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuLatency, mergeLatency } from '../src/metrics/latency.js';
import { CpuRecorder } from '../src/workloads/recorder.js';

test('merging two CPUs\' histograms keeps every sample and the tail of the slower CPU', () => {
  const fast = new CpuRecorder(['mmAlloc']);
  const slow = new CpuRecorder(['mmAlloc']);
  for (let i = 0; i < 990; i++) fast.record(0, 1000);
  for (let i = 0; i < 10; i++) slow.record(0, 50_000);
  const merged = mergeLatency([fast.snapshot(), slow.snapshot()]).mmAlloc!;
  assert.equal(merged.count, 1000);
  assert.ok(Math.abs(merged.p50Ns - 1000) <= 1, `p50 ${merged.p50Ns}`);
  assert.ok(Math.abs(merged.p999Ns - 50_000) <= 50, `p99.9 ${merged.p999Ns}`);
  assert.ok(Math.abs(merged.maxNs - 50_000) <= 50);
  assert.equal(cpuLatency(fast.snapshot()).mmAlloc!.maxNs <= 1001, true);
});

test('resetting at the end of warm-up forgets earlier samples', () => {
  const r = new CpuRecorder(['mmdrop']);
  r.record(0, 123_456);
  r.resetLatency();
  r.record(0, 2000);
  const s = cpuLatency(r.snapshot()).mmdrop!;
  assert.equal(s.count, 1);
  assert.ok(s.maxNs < 2100);
});
