// A rate just under a unit boundary is printed in the next unit once
// rounding reaches it: 999 600 lifetimes/s is 1.00M, never 1.00e+3k or
// 1000.0k (a 24-CPU remedies row printed 1.00e+3k).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { si } from '../src/charts/format.js';
import { rate } from '../src/report/units.js';

test('si and rate pick the unit after rounding', () => {
  assert.equal(si(999_600), '1.00M');
  assert.equal(si(999_400), '999k');
  assert.equal(si(-999_600), '-1.00M');
  assert.equal(si(999.6), '1.00k');
  assert.equal(rate(999_960), '1.00M');
  assert.equal(rate(999_940), '999.9k');
  assert.equal(rate(1_234_567), '1.23M');
});
