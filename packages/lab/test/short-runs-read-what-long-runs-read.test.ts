// Warm-up until steady: a point measured over 5 000 operations reads what
// the same point reads over 50 000, because both windows open on code the
// JIT has finished with (a fixed 3 000-operation warm-up read 2x low at
// --ops 5000). The two throughputs are compared as one ratio from this run.
// The host is shared and noisy, and a 5 000-operation window (~40 ms) sees
// its noise differently from a 50 000-operation one, so each length is
// measured ROUNDS times, interleaved, and the medians are compared (the best
// of each favoured the short window under load; one pair failed on a loaded
// CI host). Where the kernel reports run-queue delay, a reading uses the
// throughput with that delay taken out. The bound is 10 %, widened to the
// spread this run saw between repeats of one length when that is larger,
// up to MAX_BOUND, which still fails the cold-JIT error this pins (ratio
// ~0.55).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInput } from './fixtures/run-helpers.js';
import type { ResultPoint } from '../src/results/schema.js';
import { median } from '../src/stats/median.js';

const ROUNDS = 5;
const BOUND = 0.1;
const MAX_BOUND = 0.35;

const point = async (ops: number): Promise<ResultPoint> => {
  const { result } = await runInput({ workload: 'doexec', cpus: [1], strategies: ['baseline'], ops, workNs: 2000 });
  return result.points[0]!;
};

const rate = (p: ResultPoint): number => p.disturbance?.onCoreThroughput ?? p.throughput;
const spread = (xs: number[]): number => Math.max(...xs) / Math.min(...xs) - 1;

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
  const noise = Math.max(spread(short), spread(long));
  const bound = Math.min(MAX_BOUND, Math.max(BOUND, noise));
  const why = `short ${short.map(Math.round).join('/')}/s, long ${long.map(Math.round).join('/')}/s, ` +
    `spread between repeats ${(noise * 100).toFixed(1)} %; warm-ups ${JSON.stringify(longs.map((p) => ({ ops: p.warmup!.ops, settled: p.warmup!.settled })))}`;
  assert.ok(Math.abs(ratio - 1) <= bound, `ratio ${ratio.toFixed(3)} outside ±${(bound * 100).toFixed(1)} %: ${why}`);
});
