// The bench main job measures 1, 2, 4, … CPUs up to the host's core count
// (that count included), with a mocked core count; --cpus replaces the list
// and is checked like any scenario's --cpus; more counts shorten each
// point's window so the windows together stay within the budget.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listStrategies } from '@percpu-lab/mm';
import { BENCH_MIN_POINT_SECONDS, BENCH_WINDOW_BUDGET_S, benchCpuCounts, benchPlan } from '../src/scenario/bench-plan.js';
import { benchCpus } from '../src/scenario/bench.js';
import { BENCH_CASES, BENCH_POINT_SECONDS } from '../src/scenario/default.js';
import { ScenarioError } from '../src/scenario/errors.js';

test('CPU counts for 1, 2, 6, 16, 64 and 192 host cores', () => {
  assert.deepEqual(benchCpuCounts(1), [1]);
  assert.deepEqual(benchCpuCounts(2), [1, 2]);
  assert.deepEqual(benchCpuCounts(6), [1, 2, 4, 6]);
  assert.deepEqual(benchCpuCounts(16), [1, 2, 4, 8, 16]);
  assert.deepEqual(benchCpuCounts(64), [1, 2, 4, 8, 16, 32, 64]);
  // The threads engine runs at most 64 CPUs.
  assert.deepEqual(benchCpuCounts(192), [1, 2, 4, 8, 16, 32, 64]);
});

test('the default list follows the mocked core count; --cpus overrides it, sorted and checked', () => {
  assert.deepEqual(benchCpus(undefined, 6), [1, 2, 4, 6]);
  assert.deepEqual(benchCpus([16, 1, 8], 2), [1, 8, 16]);
  assert.throws(() => benchCpus([1, 'x'], 2), (e: unknown) => e instanceof ScenarioError && /^--cpus\[1\]: /.test(e.lines[0]!));
  assert.throws(() => benchCpus([2, 2], 2), (e: unknown) => e instanceof ScenarioError && /^--cpus: expected each CPU count once/.test(e.lines[0]!));
  assert.throws(() => benchCpus([1, 65], 2), ScenarioError);
});

test('windows shrink with the number of points and stay within the budget', () => {
  const strategies = listStrategies().length;
  const two = benchPlan(BENCH_CASES, benchCpuCounts(2), strategies);
  assert.equal(two.pointSeconds, BENCH_POINT_SECONDS);
  assert.equal(two.scaledDown, false);
  let previous = Infinity;
  for (const cores of [2, 6, 16, 64]) {
    const plan = benchPlan(BENCH_CASES, benchCpuCounts(cores), strategies);
    assert.ok(plan.pointSeconds <= previous, `${cores} cores: ${plan.pointSeconds} s per point`);
    assert.ok(plan.points * plan.pointSeconds <= Math.max(BENCH_WINDOW_BUDGET_S, plan.points * BENCH_MIN_POINT_SECONDS));
    // Later rounds repeat 1 and 2 CPUs only; the first round of every case spans every count.
    for (const c of plan.cases) assert.deepEqual(c.cpus, benchCpuCounts(cores));
    assert.ok(plan.cases.every((c) => c.rounds === 1 ? c.laterCpus.length === 0 : c.laterCpus.join() === '1,2'));
    previous = plan.pointSeconds;
  }
  const sixteen = benchPlan(BENCH_CASES, benchCpuCounts(16), strategies);
  assert.equal(sixteen.scaledDown, true);
  // Without 1 and 2 CPUs in the list, later rounds have nothing to add.
  assert.ok(benchPlan(BENCH_CASES, [1, 8, 16], strategies).cases.every((c) => c.laterCpus.length === 0));
});
