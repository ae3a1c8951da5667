// calibrate's fit, given threads-like data made from known prices — units
// per lifetime × price, plus the work, plus ±0.5 % noise — gets every price
// back within 5 %, holds the measured prices where they are, and names a
// price no strategy uses instead of inventing one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { fitPrices, type Observation } from '../src/calibrate/fit.js';

const TRUE_PRICES: Record<string, number> = {
  bitmapWordNs: 0.9, pageAllocNs: 240, pageFreeNs: 150, objectInitNs: 60,
  pcpuAllocCallNs: 400, freePercpuCallNs: 300, memcgChargeNs: 120, stepNs: 35,
};
const KNOWN: Record<string, number> = { spinLockNs: 12, mutexLockNs: 15 };
const WORK = [0, 2000, 40_000];

function synthetic(seed: number): Observation[] {
  const rng = xoroshiro128plus(seed);
  const uniform = (lo: number, hi: number) => lo + uniformFloat64(rng) * (hi - lo);
  const obs: Observation[] = [];
  // Six strategies × three work values × two footprints, each using a different mix of the priced kinds.
  for (let s = 0; s < 6; s++) {
    for (const fixedNs of WORK) {
      for (let f = 0; f < 2; f++) {
        const units: Record<string, number> = {
          bitmapWordNs: uniform(0, 400), pageAllocNs: uniform(0, 3), pageFreeNs: uniform(0, 3), objectInitNs: uniform(0, 6),
          pcpuAllocCallNs: uniform(0, 2), freePercpuCallNs: uniform(0, 2), memcgChargeNs: uniform(0, 2), stepNs: uniform(4, 12),
          spinLockNs: uniform(2, 8), mutexLockNs: uniform(0, 2),
        };
        const exact = fixedNs + Object.entries(units).reduce((t, [k, u]) => t + u * (TRUE_PRICES[k] ?? KNOWN[k]!), 0);
        obs.push({ label: `s${s}/w${fixedNs}/f${f}`, measuredNs: exact * uniform(0.995, 1.005), fixedNs, units });
      }
    }
  }
  return obs;
}

test('every fitted price comes back within 5 % of the price that made the data', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    const fit = fitPrices(synthetic(seed), KNOWN, Object.keys(TRUE_PRICES));
    for (const [k, p] of Object.entries(TRUE_PRICES)) {
      const got = fit.prices[k]!;
      assert.ok(Math.abs(got / p - 1) <= 0.05, `seed ${seed}: ${k} fitted ${got}, made with ${p}`);
    }
    assert.deepEqual(fit.unexercised, []);
    for (const r of fit.residuals) assert.ok(Math.abs(r.relErr) <= 0.02, `${r.label}: residual ${r.relErr} beyond the 0.5 % noise`);
  }
});

test('a price no observation uses is reported unexercised, not fitted', () => {
  const fit = fitPrices(synthetic(4), KNOWN, [...Object.keys(TRUE_PRICES), 'pagePopulateNs']);
  assert.deepEqual(fit.unexercised, ['pagePopulateNs']);
  assert.equal('pagePopulateNs' in fit.prices, false);
});
