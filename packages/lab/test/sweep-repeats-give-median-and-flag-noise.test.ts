// Repeats of a point aggregate to their median with min/max spread; a point
// whose repeats spread wider than the threshold is flagged noisy; speedup and
// efficiency are taken against the series' smallest CPU count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { summarise } from '../src/sweep/aggregate.js';
import type { PointView } from '../src/sweep/point-view.js';

function point(cpus: number, throughput: number): PointView {
  return {
    workload: 'doexec', engine: 'threads', strategy: 'baseline', cpus, lifetimes: 1000, throughput,
    locks: { pcpu_lock: { acquisitions: 10, contentions: 1, waitTotalNs: 5, holdTotalNs: 7, conBounces: 0, acqBounces: 2, waitShare: throughput / 1e6 } },
    percpu: { bytesInUse: 4096, bytesParked: 0 },
    timeSplit: null,
    machine: null,
  };
}

test('median, spread, noisy flag, speedup and efficiency', () => {
  const rows = summarise([point(1, 100), point(1, 104), point(1, 102), point(2, 150), point(2, 200), point(2, 190)], 0.1);
  assert.equal(rows.length, 2);
  const [one, two] = rows as [(typeof rows)[0], (typeof rows)[0]];
  assert.deepEqual(one.throughput, { median: 102, min: 100, max: 104, spread: 4 / 102 });
  assert.equal(one.noisy, false);
  assert.equal(two.throughput.median, 190);
  assert.equal(two.noisy, true, '(200 − 150) / 190 > 10 %');
  assert.equal(two.speedup, 190 / 102);
  assert.equal(two.efficiency, 190 / 102 / 2);
  assert.equal(two.locks.pcpu_lock!.waitShare, 190 / 1e6);
});

test('a single repeat is never noisy', () => {
  const [row] = summarise([point(4, 100)], 0.01);
  assert.equal(row!.noisy, false);
  assert.equal(row!.speedup, 1);
});
