// Next to each threads point the summary prints the warm-up it ran (or
// that it never settled) and how much the host disturbed it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuCountTable } from '../src/report/summary.js';
import type { HostDisturbance, ResultPoint, WarmupUsed } from '../src/results/schema.js';

const warmup = (settled: boolean): WarmupUsed => ({
  minOps: 3000, windowMs: 100, steadyWindows: 3, tolerance: 0.05, limitMs: 3000, ops: [12_000], ms: [settled ? 620 : 3004], settled, windowRates: [],
});
const host = (disturbed: boolean): HostDisturbance => ({
  runQueueShare: disturbed ? 0.42 : 0.01, expectedShare: 0, involuntarySwitches: 3, onCoreThroughput: 1, loadAvg1: disturbed ? 6.2 : 0.3, disturbed, rule: '',
});
const pt = (strategy: string, settled: boolean, disturbed: boolean): ResultPoint => ({
  workload: 'doexec', engine: 'threads', strategy, cpus: 1, throughput: 1000, perCpu: [], latency: {}, locks: {},
  percpu: { bytesInUse: 0, bytesParked: 0 }, checks: { verify: { status: 'passed' }, rss: { status: 'passed' }, leak: { status: 'passed' } },
  warmup: warmup(settled), disturbance: host(disturbed),
}) as unknown as ResultPoint;

test('warm-up and host columns', () => {
  const lines = cpuCountTable([pt('baseline', true, false), pt('slab-dtor', false, true)]);
  // A table wider than the terminal is split into blocks, each starting with the strategy column.
  const rowsOf = (s: string) => lines.filter((l) => l.trim().startsWith(s));
  assert.ok(rowsOf('strategy').some((l) => /warm-up +host \(threads engine\)/.test(l)), lines.join('\n'));
  assert.ok(rowsOf('baseline').some((l) => /0\.62 s +run queue 1% · load 0\.3$/.test(l)), lines.join('\n'));
  assert.ok(rowsOf('slab-dtor').some((l) => /3\.00 s NOT SETTLED +DISTURBED: run queue 42% · load 6\.2$/.test(l)), lines.join('\n'));
});
