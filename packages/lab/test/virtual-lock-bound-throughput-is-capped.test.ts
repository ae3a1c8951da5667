// A workload serialised by one mutex cannot complete more critical sections
// per second than 1 / hold time, however many CPUs run it; a lock-free
// workload scales exactly linearly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runVirtual } from '../src/engine/virtual/index.js';
import { bootVirtual, loop, roundProfile, section, statOf } from './fixtures/virtual-machine.js';

const HOLD = 1000;
const OUTSIDE = 4000;

function lockBound(n: number, spinWindowNs: number) {
  const profile = roundProfile({ lockDataLines: 2, mutexSpinWindowNs: spinWindowNs });
  const { kernel, cpus, mutex } = bootVirtual({ cpus: n, profile });
  const programs = cpus.map((cpu) => loop(() => (section(cpu, mutex, HOLD), cpu.spend(OUTSIDE))));
  const r = runVirtual({ kernel, cpus, programs, opsPerCpu: 400, warmupOps: 20 });
  const s = statOf(r.locks, 'test_mutex');
  return { opsPerSec: r.opsPerSec, meanHoldNs: s.holdTotalNs / s.acquisitions, contentions: s.contentions };
}

test('a mutex-bound workload never beats 1 / mean hold time and flattens at that bound', () => {
  // Waiters spin (the window is longer than any wait), as the kernel's mutex does while the owner runs.
  const curve = [1, 2, 4, 8, 16, 32].map((n) => lockBound(n, 1e9));
  for (const [i, p] of curve.entries()) {
    const bound = 1e9 / p.meanHoldNs;
    assert.ok(p.opsPerSec <= bound, `point ${i}: ${p.opsPerSec} ops/s exceeds the lock's bound ${bound}`);
  }
  const last = curve[curve.length - 1]!;
  assert.ok(last.opsPerSec >= 0.9 * (1e9 / last.meanHoldNs), 'with 32 CPUs the lock should be saturated');
  assert.ok(last.contentions > 0);
  // Below saturation it scales: 2 CPUs do clearly more than 1.
  assert.ok(curve[1]!.opsPerSec > 1.8 * curve[0]!.opsPerSec);
});

test('when waiters sleep, every hand-off adds the wake-up to the serialised path', () => {
  // Spin window 500 ns: with 32 CPUs queued every waiter sleeps, so the lock
  // is busy hold + sleep/wake (1000 ns) + lock + line per hand-off.
  const p = lockBound(32, 500);
  const ceiling = 1e9 / (p.meanHoldNs + 1000 + 2 + 10);
  assert.ok(p.opsPerSec <= ceiling, `${p.opsPerSec} ops/s exceeds ${ceiling}`);
  assert.ok(p.opsPerSec >= 0.95 * ceiling);
});

test('a lock-free workload scales exactly linearly', () => {
  const rate = (n: number) => {
    const { kernel, cpus } = bootVirtual({ cpus: n });
    const programs = cpus.map((cpu) => loop(() => cpu.spend(OUTSIDE + cpu.id)));
    return runVirtual({ kernel, cpus, programs, opsPerCpu: 500 }).totalOps;
  };
  for (const n of [1, 4, 64]) assert.equal(rate(n), 500 * n);
  const perSec = (n: number) => {
    const { kernel, cpus } = bootVirtual({ cpus: n });
    const programs = cpus.map((cpu) => loop(() => cpu.spend(OUTSIDE)));
    return runVirtual({ kernel, cpus, programs, durationNs: 4_000_000 }).opsPerSec;
  };
  const one = perSec(1);
  for (const n of [2, 16, 64]) assert.equal(perSec(n), n * one);
});
