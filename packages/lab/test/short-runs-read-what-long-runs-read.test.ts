// Warm-up until steady, on warm workers: a point measured over 5 000
// operations reads what the same point reads over 50 000, because both
// windows open on code the JIT has finished with (a fixed 3 000-operation
// warm-up on fresh workers read 2x low at --ops 5000; the CPU pool now
// keeps its workers, and their compiled code, from point to point). The two
// throughputs are compared as one ratio from this run. Each length is
// measured ROUNDS times, interleaved, so drift on a shared host hits both
// alike, and the medians are compared. Where the kernel reports run-queue
// delay, a reading uses the throughput with that delay taken out. The point
// is the one issue 20 measured: the mm path with --work-ns 2000 standing in
// for exec (--binary none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInput } from './fixtures/run-helpers.js';
import type { ResultPoint } from '../src/results/schema.js';
import { median } from '../src/stats/median.js';

const ROUNDS = 5;
const BOUND = 0.1;

const point = async (ops: number): Promise<ResultPoint> => {
  const { result } = await runInput({ workload: 'doexec', cpus: [1], strategies: ['baseline'], ops, workNs: 2000, binary: 'none' });
  return result.points[0]!;
};

const rate = (p: ResultPoint): number => p.disturbance?.onCoreThroughput ?? p.throughput;

test('--ops 5000 reads within 10 % of --ops 50000, and the warm-up used is recorded', async () => {
  const shorts: ResultPoint[] = [];
  const longs: ResultPoint[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    shorts.push(await point(5000));
    longs.push(await point(50_000));
  }
  for (const p of [...shorts, ...longs]) {
    assert.equal(p.status, 'complete', p.failure?.message);
    assert.ok(p.warmup !== undefined && p.warmup.ops[0]! >= p.warmup.minOps, 'the warm-up actually run is recorded');
  }
  const short = shorts.map(rate);
  const long = longs.map(rate);
  const ratio = median(short) / median(long);
  const why = `short ${short.map(Math.round).join('/')}/s, long ${long.map(Math.round).join('/')}/s; ` +
    `warm-ups ${JSON.stringify(longs.map((p) => ({ ops: p.warmup!.ops, settled: p.warmup!.settled })))}; ` +
    `disturbed ${[...shorts, ...longs].filter((p) => p.disturbance?.disturbed).length} of ${2 * ROUNDS}`;
  assert.ok(Math.abs(ratio - 1) <= BOUND, `ratio ${ratio.toFixed(3)} outside ±${BOUND * 100} %: ${why}`);
});
