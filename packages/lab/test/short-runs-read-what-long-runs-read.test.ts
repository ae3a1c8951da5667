// Warm-up until steady: a point measured over 5 000 operations reads what
// the same point reads over 50 000, because both windows open on code the
// JIT has finished with (a fixed 3 000-operation warm-up read 2x low at
// --ops 5000). The two throughputs are compared as one ratio from this run.
// The host is shared and noisy, and noise only ever slows a point down, so
// each length is measured ROUNDS times, interleaved, and the best of each is
// compared (a single pair failed on a loaded CI host). Where the kernel
// reports run-queue delay, a reading uses the throughput with that delay
// taken out. When the host disturbed every reading of a length even so, the
// bound widens to 25 %, which still fails the cold-JIT error this pins
// (ratio ~0.55).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInput } from './fixtures/run-helpers.js';
import type { ResultPoint } from '../src/results/schema.js';

const ROUNDS = 3;

const point = async (ops: number): Promise<ResultPoint> => {
  const { result } = await runInput({ workload: 'doexec', cpus: [1], strategies: ['baseline'], ops, workNs: 2000 });
  return result.points[0]!;
};

const rate = (p: ResultPoint): number => p.disturbance?.onCoreThroughput ?? p.throughput;
const best = (ps: ResultPoint[]): ResultPoint => ps.reduce((a, b) => (rate(b) > rate(a) ? b : a));

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
  const short = best(shorts);
  const long = best(longs);
  const ratio = rate(short) / rate(long);
  const allDisturbed = (ps: ResultPoint[]): boolean => ps.every((p) => p.disturbance?.disturbed === true);
  const disturbed = allDisturbed(shorts) || allDisturbed(longs);
  const bound = disturbed ? 0.25 : 0.1;
  const readings = (ps: ResultPoint[]): string => ps.map((p) => Math.round(rate(p))).join('/');
  const why = `short ${readings(shorts)}/s, long ${readings(longs)}/s${disturbed ? ' (host disturbed)' : ''}; ` +
    `warm-ups of the best ${JSON.stringify([short.warmup, long.warmup].map((w) => ({ ops: w!.ops, settled: w!.settled })))}`;
  assert.ok(Math.abs(ratio - 1) <= bound, `ratio ${ratio.toFixed(3)} outside ±${bound * 100}%: ${why}`);
});
