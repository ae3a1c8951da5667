// The perf lock contention view: contended classes only, sorted by total
// wait, each time in its own unit, plus the share of CPU time waiting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { perfLockContention } from '../src/report/perf-lock.js';
import { autoTime } from '../src/report/units.js';
import type { LockResult } from '../src/results/schema.js';

const lock = (kind: LockResult['kind'], contentions: number, waitTotalNs: number, waitMaxNs: number, waitShare: number): LockResult => ({
  kind, acquisitions: 1000, contentions, waitTotalNs, holdTotalNs: 0, conBounces: 0, acqBounces: 0,
  waitMinNs: 0, waitMaxNs, holdMinNs: 0, holdMaxNs: 0, waitShare, holdSampled: 1000, holdTotalErr95: 0,
});

test('units scale per value as perf prints them', () => {
  assert.equal(autoTime(812), '812 ns');
  assert.equal(autoTime(4210), '4.21 us');
  assert.equal(autoTime(1_300_000), '1.30 ms');
  assert.equal(autoTime(2_050_000_000), '2.05 s');
});

test('rows: contended locks by total wait, with type and CPU-time share', () => {
  const lines = perfLockContention({
    pcpu_lock: lock('spinlock', 10, 5_000, 900, 0.001),
    pcpu_alloc_mutex: lock('mutex', 40, 2_000_000, 300_000, 0.1234),
    'zone->lock': lock(null, 0, 0, 0, 0),
  });
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /contended\s+total wait\s+max wait\s+avg wait\s+type\s+caller\s+cpu-time waiting/);
  assert.match(lines[1]!, /^\s*40\s+2\.00 ms\s+300\.00 us\s+50\.00 us\s+mutex\s+pcpu_alloc_mutex\s+12\.34%$/);
  assert.match(lines[2]!, /^\s*10\s+5\.00 us\s+900 ns\s+500 ns\s+spinlock\s+pcpu_lock\s+0\.10%$/);
});
