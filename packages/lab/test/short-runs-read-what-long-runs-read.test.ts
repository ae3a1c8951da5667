// Warm-up until steady: a point measured over 5 000 operations reads what
// the same point reads over 50 000, because both windows open on code the
// JIT has finished with (a fixed 3 000-operation warm-up read 2x low at
// --ops 5000). The two throughputs are compared as one ratio from this run.
// Where the kernel reports run-queue delay, the ratio uses the throughput
// with that delay taken out: on a shared host, wall-clock throughput moves
// with other jobs (±50 % between neighbouring points at load 10+ on 2
// cores), which is not what this test is about. When the host disturbed
// either point even so (it keeps our thread off a core most of the time
// and pollutes its caches: ±15 % between points measured here at load
// 18), the bound widens to 25 %, which still fails the cold-JIT error this
// pins (ratio ~0.55).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInput } from './fixtures/run-helpers.js';
import type { ResultPoint } from '../src/results/schema.js';

const point = async (ops: number): Promise<ResultPoint> => {
  const { result } = await runInput({ workload: 'doexec', cpus: [1], strategies: ['baseline'], ops, workNs: 2000 });
  return result.points[0]!;
};

const rate = (p: ResultPoint): number => p.disturbance?.onCoreThroughput ?? p.throughput;

test('--ops 5000 reads within 10 % of --ops 50000, and the warm-up used is recorded', async () => {
  const short = await point(5000);
  const long = await point(50_000);
  for (const p of [short, long]) {
    assert.equal(p.status, 'complete', p.failure?.message);
    assert.ok(p.warmup !== undefined && p.warmup.ops[0]! >= p.warmup.minOps, 'the warm-up actually run is recorded');
  }
  const ratio = rate(short) / rate(long);
  const disturbed = short.disturbance?.disturbed === true || long.disturbance?.disturbed === true;
  const bound = disturbed ? 0.25 : 0.1;
  const why = `short ${Math.round(rate(short))}/s, long ${Math.round(rate(long))}/s${disturbed ? ' (host disturbed)' : ''}; ` +
    `warm-ups ${JSON.stringify([short.warmup, long.warmup].map((w) => ({ ops: w!.ops, settled: w!.settled })))}`;
  assert.ok(Math.abs(ratio - 1) <= bound, `ratio ${ratio.toFixed(3)} outside ±${bound * 100}%: ${why}`);
});
