// The warm-up rule: settled once the last STEADY_WINDOWS window rates lie
// within ±TOLERANCE of their mean — not while the JIT is still climbing,
// and not on one lucky pair of windows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STEADY_WINDOWS, steady, TOLERANCE } from '../src/engine/threads/warmup.js';

test('a climbing curve has not settled; its plateau has', () => {
  const climb = [20_000, 60_000, 95_000, 120_000, 131_000];
  assert.equal(steady(climb), false);
  assert.equal(steady([...climb, 132_000, 130_500]), true);
});

test('fewer windows than the rule needs never settle, and a spread just past the tolerance does not', () => {
  assert.equal(steady(Array(STEADY_WINDOWS - 1).fill(100_000)), false);
  const m = 100_000;
  const wide = [m * (1 - TOLERANCE * 1.3), m, m * (1 + TOLERANCE * 1.3)];
  assert.equal(steady(wide), false);
  const tight = [m * (1 - TOLERANCE * 0.8), m, m * (1 + TOLERANCE * 0.8)];
  assert.equal(steady(tight), true);
});
