// The threads engine's 95 % intervals, on synthetic samples whose centre is
// known: over thousands of draws, the interval of n repeats covers the true
// mean (= median, for the symmetric distributions) as often as the level it
// states, whatever the shape — normal, flat, heavy-tailed, and a skewed
// one against its median. Below six samples there is no 95 % interval.
// A ratio taken round by round covers the true ratio at the stated rate even
// when every round runs at another host speed: the drift cancels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIDENCE, medianInterval, MIN_SAMPLES, orderStatisticCoverage, roundRatios } from '../src/stats/interval.js';

/** xorshift32: a seeded stream in (0, 1), so the test always draws the same samples. */
function uniform(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return (x + 0.5) / 2 ** 32;
  };
}

function normal(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

const TRIALS = 4000;

/** Distributions with a known centre: name, centre, sampler. */
function distributions(u: () => number): [string, number, () => number][] {
  const z = normal(u);
  return [
    ['normal(80000, 4000)', 80_000, () => 80_000 + 4000 * z()],
    ['uniform(0.9, 1.1)', 1, () => 0.9 + 0.2 * u()],
    ['laplace(5, 1) (heavy tails)', 5, () => 5 + (u() < 0.5 ? 1 : -1) * Math.log(u())],
    // Skewed: the interval is of the median, exp(mu), which it must still cover.
    ['lognormal median 12 (skewed)', 12, () => 12 * Math.exp(0.3 * z())],
  ];
}

test('intervals of n repeats cover the true centre at the rate they state', () => {
  const u = uniform(20);
  for (const [name, centre, draw] of distributions(u)) {
    for (const n of [6, 7, 9, 12, 20]) {
      let covered = 0;
      let level = NaN;
      for (let t = 0; t < TRIALS; t++) {
        const i = medianInterval(Array.from({ length: n }, draw))!;
        level = i.level;
        if (i.lo <= centre && centre <= i.hi) covered++;
      }
      const rate = covered / TRIALS;
      const se = Math.sqrt((level * (1 - level)) / TRIALS);
      assert.ok(level >= CONFIDENCE, `${name}, n=${n}: stated level ${level}`);
      assert.ok(Math.abs(rate - level) <= 4 * se, `${name}, n=${n}: covered ${rate}, states ${level.toFixed(4)} (±${(4 * se).toFixed(4)})`);
    }
  }
});

test('the stated level is the exact binomial coverage, and below six repeats there is no interval', () => {
  assert.equal(MIN_SAMPLES, 6);
  assert.equal(orderStatisticCoverage(6, 1), 1 - 2 / 64);
  assert.equal(orderStatisticCoverage(5, 1), 1 - 2 / 32);
  assert.equal(medianInterval([1, 2, 3, 4, 5]), null);
  assert.deepEqual(medianInterval([6, 1, 5, 2, 4, 3]), { median: 3.5, lo: 1, hi: 6, level: 1 - 2 / 64, n: 6 });
  const i = medianInterval(Array.from({ length: 12 }, (_, k) => k + 1))!;
  assert.equal(i.lo, 3, 'twelve repeats drop the two extremes on each side');
  assert.equal(i.hi, 10);
  assert.ok(i.level >= CONFIDENCE);
});

test('a ratio taken round by round covers the true ratio despite drift between rounds', () => {
  const u = uniform(7);
  const z = normal(u);
  const TRUE = 1.8;
  for (const n of [6, 10]) {
    let covered = 0;
    let level = NaN;
    for (let t = 0; t < TRIALS; t++) {
      // Each round the host runs at its own speed (0.5x to 1.5x); both points of the round share it.
      const drift = Array.from({ length: n }, () => 0.5 + u());
      const one = drift.map((d, round) => ({ round, value: 1000 * d * Math.exp(0.05 * z()) }));
      const two = drift.map((d, round) => ({ round, value: TRUE * 1000 * d * Math.exp(0.05 * z()) }));
      const i = medianInterval(roundRatios(two, one))!;
      level = i.level;
      if (i.lo <= TRUE && TRUE <= i.hi) covered++;
    }
    const se = Math.sqrt((level * (1 - level)) / TRIALS);
    assert.ok(Math.abs(covered / TRIALS - level) <= 4 * se, `n=${n}: covered ${covered / TRIALS}, states ${level}`);
  }
});

test('rounds measured on one side only are left out of a ratio', () => {
  const num = [{ round: 0, value: 4 }, { round: 1, value: 6 }, { round: 3, value: 9 }];
  const den = [{ round: 3, value: 3 }, { round: 0, value: 2 }, { round: 2, value: 5 }];
  assert.deepEqual(roundRatios(num, den), [2, 3]);
});
