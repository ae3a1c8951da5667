// A rate just under a unit boundary is printed in the next unit once
// rounding reaches it: 999 600 lifetimes/s is 1.00M, never 1.00e+3k or
// 1000.0k (a 24-CPU remedies row printed 1.00e+3k). Every report formats
// rates, times and shares with the one units module.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autoTime, figure, percent, si } from '../src/report/units.js';

test('si picks the unit after rounding', () => {
  assert.equal(si(999_600), '1.00M');
  assert.equal(si(999_400), '999k');
  assert.equal(si(-999_600), '-1.00M');
  assert.equal(si(999.6), '1.00k');
  assert.equal(si(1_234_567), '1.23M');
  assert.equal(si(2_500_000_000), '2.50G');
});

test('small values keep three significant figures; integers print whole', () => {
  assert.equal(si(812), '812');
  assert.equal(si(5.25), '5.25');
  assert.equal(si(0.5), '0.500');
  assert.equal(figure(1234.5), '1235');
  assert.equal(figure(12.345), '12.3');
  assert.equal(figure(0.012345), '0.0123');
});

test('what is not a number prints as a dash in every unit', () => {
  for (const f of [si, autoTime, percent, figure]) assert.equal(f(NaN), '–');
  assert.equal(si(Infinity), '–');
});
