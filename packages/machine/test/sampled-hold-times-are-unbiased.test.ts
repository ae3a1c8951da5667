// Hold times sampled 1 in HOLD_SAMPLE_EVERY are unbiased, and their stated
// error bound holds. The clock is fake and every hold is known, so nothing
// depends on timing: one long hold in every HOLD_SAMPLE_EVERY acquisitions
// and short ones otherwise is the pattern a fixed 1-in-N sampler gets
// wrong by a factor of ~50 either way; random gaps must not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atomicsLockOps } from '../src/atomics-lock.js';
import { HOLD_SAMPLE_EVERY, lockStatAcquired, lockStatAddr, lockStatReleased, readLockStats, resetLockStats } from '../src/lockstat.js';
import { RealCpu } from '../src/real-cpu.js';
import { bootTestKernel, TEST_MUTEX } from './fixtures/test-kernel.js';

/** A CPU whose clock only moves when the test says so. */
class FakeClockCpu extends RealCpu {
  t = 1000;
  override now(): number {
    return this.t;
  }
}

const LONG_NS = 64_000;
const SHORT_NS = 100;
const CYCLES = 1000;
const TRIALS = 60;

test('sampled hold totals average to the true total and stay within their 95 % bound', () => {
  const kernel = bootTestKernel(1);
  kernel.setLockOps(atomicsLockOps);
  const cpu = new FakeClockCpu(kernel, 0, 1, 1);
  cpu.online();
  const lock = kernel.lock(TEST_MUTEX);
  const n = CYCLES * HOLD_SAMPLE_EVERY;
  const truth = CYCLES * (LONG_NS + (HOLD_SAMPLE_EVERY - 1) * SHORT_NS);
  const errors: number[] = [];
  let covered = 0;
  for (let trial = 0; trial < TRIALS; trial++) {
    resetLockStats(kernel, trial + 1);
    for (let i = 0; i < n; i++) {
      lock.lock(cpu);
      cpu.t += i % HOLD_SAMPLE_EVERY === 0 ? LONG_NS : SHORT_NS;
      lock.unlock(cpu);
      cpu.t += 10;
    }
    const s = readLockStats(kernel).find((x) => x.name === TEST_MUTEX)!;
    assert.equal(s.acquisitions, n, 'acquisitions are counted exactly');
    // m ~ Binomial(n, 1/N): 1000 expected, sd ~31.
    assert.ok(Math.abs(s.holdSampled - n / HOLD_SAMPLE_EVERY) < 160, `${s.holdSampled} holds timed`);
    assert.ok(s.holdTotalErr95 !== null && s.holdTotalErr95 > 0);
    const err = s.holdTotalNs / truth - 1;
    errors.push(err);
    if (Math.abs(err) <= s.holdTotalErr95) covered++;
  }
  const mean = errors.reduce((a, b) => a + b, 0) / TRIALS;
  const sd = Math.sqrt(errors.reduce((a, b) => a + (b - mean) ** 2, 0) / (TRIALS - 1));
  // Unbiased: the mean relative error is within 4 standard errors of 0 (one trial's sd is ~0.23).
  assert.ok(Math.abs(mean) < 4 * (sd / Math.sqrt(TRIALS)), `mean relative error ${mean.toFixed(4)}, sd ${sd.toFixed(3)}`);
  assert.ok(Math.abs(mean) < 0.1, `mean relative error ${mean.toFixed(4)}`);
  // The stated 95 % bound covers the truth in most trials.
  assert.ok(covered / TRIALS >= 0.85, `bound covered the truth in ${covered} of ${TRIALS} trials`);
});

test('the exact recorder (every hold timed, as the virtual engine records) reports exact totals and no error', () => {
  const kernel = bootTestKernel(2);
  const f64 = kernel.mem.f64;
  const holds = [300, 1200, 50, 7000];
  for (const [cpu, h] of holds.entries()) {
    const s = lockStatAddr(kernel, cpu % 2, kernel.lockClass(TEST_MUTEX)) >> 3;
    lockStatAcquired(f64, s, false, -1);
    lockStatReleased(f64, s, h);
  }
  const st = readLockStats(kernel).find((x) => x.name === TEST_MUTEX)!;
  assert.equal(st.acquisitions, holds.length);
  assert.equal(st.holdSampled, holds.length);
  assert.equal(st.holdTotalNs, 8550);
  assert.equal(st.holdTotalErr95, 0);
  assert.equal(st.holdMinNs, 50);
  assert.equal(st.holdMaxNs, 7000);
});
