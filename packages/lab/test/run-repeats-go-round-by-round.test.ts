// `run --repeats N` measures every point N times, round by round: each
// round runs every strategy at every CPU count once (forward, then backward
// in the next round), repeat r with seed + r; every repeat is a point of the
// result with its round, speedups are taken within a round, and the result's
// summary gives each point's median throughput and speedup with a 95 %
// interval once there are six repeats. (The virtual engine runs it here, for
// speed; the rounds are the same on threads.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInput } from './fixtures/run-helpers.js';
import { summaryCsv } from '../src/results/csv.js';
import { medianInterval } from '../src/stats/interval.js';

test('six repeats: rounds alternate direction, every repeat is kept, the summary has intervals', async () => {
  const { result, log } = await runInput({
    workload: 'doexec', engine: 'virtual', strategies: ['baseline', 'slab-dtor'], cpus: [1, 2], ops: 60, warmup: 10, repeats: 6,
  });
  assert.equal(result.status, 'complete');
  assert.equal(result.points.length, 24);
  const started = log.filter((l) => l.endsWith('...')).map((l) => /\] (\S+ r\d+)/.exec(l)![1]);
  const forward = ['doexec/baseline/1cpu', 'doexec/baseline/2cpu', 'doexec/slab-dtor/1cpu', 'doexec/slab-dtor/2cpu'];
  assert.deepEqual(started.slice(0, 8), [...forward.map((p) => `${p} r0`), ...[...forward].reverse().map((p) => `${p} r1`)]);
  assert.deepEqual(result.points.map((p) => p.repeat), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5]);
  // Seeds differ by round, so the virtual engine's figures differ by round too.
  const base1 = result.points.filter((p) => p.strategy === 'baseline' && p.cpus === 1);
  assert.ok(new Set(base1.map((p) => p.throughput)).size > 1, 'each round its own seed');
  for (const p of result.points.filter((x) => x.cpus === 2)) {
    const one = result.points.find((x) => x.strategy === p.strategy && x.cpus === 1 && x.repeat === p.repeat)!;
    assert.equal(p.speedup, p.throughput / one.throughput, 'speedup within the round');
  }
  const row = result.summary!.find((r) => r.strategy === 'baseline' && r.cpus === 2)!;
  assert.equal(row.repeats, 6);
  assert.deepEqual(row.throughputCi, medianInterval(result.points.filter((p) => p.strategy === 'baseline' && p.cpus === 2).map((p) => p.throughput)));
  assert.deepEqual(row.speedupCi, medianInterval(result.points.filter((p) => p.strategy === 'baseline' && p.cpus === 2).map((p) => p.speedup!)));
  assert.equal(row.speedup, row.speedupCi!.median, 'speedup is the median of the per-round ratios');
  assert.match(summaryCsv(result.summary!), /\ndoexec,virtual,baseline,2,6,[\d.]+,[\d.]+,[\d.]+,0\.9688,[\d.]+,[\d.]+,[\d.]+,0\.9688,false\n/);
});

test('a single run has no interval, and says so in the summary CSV by empty cells', async () => {
  const { result } = await runInput({ workload: 'doexec', engine: 'virtual', strategies: ['baseline'], cpus: [1, 2], ops: 60, warmup: 10 });
  assert.ok(result.points.every((p) => p.repeat === undefined));
  assert.ok(result.summary!.every((r) => r.throughputCi === null && r.speedupCi === null));
  assert.match(summaryCsv(result.summary!), /\ndoexec,virtual,baseline,2,1,[\d.]+,,,,[\d.]+,,,,false\n/);
});
