// Speedup and efficiency divide by the same workload/engine/strategy's
// complete 1-CPU point of the same result, and stay null without one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addScaling } from '../src/metrics/scaling.js';
import type { ResultPoint } from '../src/results/schema.js';

function pt(strategy: string, cpus: number, throughput: number, status: 'complete' | 'partial' = 'complete'): ResultPoint {
  return { workload: 'doexec', engine: 'threads', strategy, cpus, throughput, status, speedup: null, efficiency: null } as ResultPoint;
}

test('speedup and efficiency per strategy', () => {
  const ps = [pt('baseline', 1, 100), pt('baseline', 2, 150), pt('slab-dtor', 1, 200), pt('slab-dtor', 2, 390), pt('grouped', 2, 10)];
  addScaling(ps);
  assert.equal(ps[1]!.speedup, 1.5);
  assert.equal(ps[1]!.efficiency, 0.75);
  assert.equal(ps[3]!.speedup, 1.95);
  assert.equal(ps[0]!.speedup, 1);
  assert.equal(ps[4]!.speedup, null, 'no 1-CPU point to divide by');
});

test('a partial point neither gets nor gives a speedup', () => {
  const ps = [pt('baseline', 1, 100, 'partial'), pt('baseline', 2, 150), pt('slab-dtor', 1, 100), pt('slab-dtor', 2, 150, 'partial')];
  addScaling(ps);
  assert.equal(ps[1]!.speedup, null);
  assert.equal(ps[3]!.speedup, null);
});
