// Every median in the lab comes from stats/median.ts: for an even number of
// repeats it is the mean of the two middle values (not the upper one, as
// the work-ns derivation's own copy once took), and the spread of a sweep
// row is the range over that median.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, spreadOf } from '../src/stats/median.js';

test('median: middle value, mean of the middle two, NaN for none; the input is left alone', () => {
  assert.equal(median([5, 1, 3]), 3);
  const xs = [10, 1, 3, 2];
  assert.equal(median(xs), 2.5);
  assert.deepEqual(xs, [10, 1, 3, 2]);
  assert.ok(Number.isNaN(median([])));
});

test('spreadOf: median, range, and range over the median', () => {
  assert.deepEqual(spreadOf([4, 2, 8, 6]), { median: 5, min: 2, max: 8, spread: 6 / 5 });
  assert.deepEqual(spreadOf([7]), { median: 7, min: 7, max: 7, spread: 0 });
});
