// --threads-rate on-core: validate divides by the throughput the threads
// engine reads with the host's run-queue delay taken out, the median of the
// repeats like the wall-clock one; where the host reports none (no /proc),
// it falls back to the wall-clock rate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunFlags } from '../src/calibrate/points.js';
import type { RunResult } from '../src/results/schema.js';
import { validate } from '../src/validate/validate.js';

function runner(onCore: number | null) {
  return async (flags: RunFlags): Promise<RunResult> => {
    const threads = flags['engine'] === 'threads';
    const points = [{
      strategy: 'baseline', cpus: Number(flags['cpus']), throughput: threads ? 80_000 : 100_000, lifetimes: 1000, elapsedNs: 1e6,
      disturbance: threads && onCore !== null ? { disturbed: false, onCoreThroughput: onCore } : null,
    }];
    return { status: 'complete', workNs: { value: 1000 }, points } as unknown as RunResult;
  };
}

const options = { strategies: ['baseline'], work: [0], footprints: [null], cpus: [1], oversubscribedCpus: 3, profile: 'kernel', ops: 10, repeats: 3, tolerance: 0.1, log: () => {} };

test('on-core divides by the on-core throughput, wall by the wall-clock one', async () => {
  const onCore = await validate({ ...options, runner: runner(100_000), rate: 'on-core' });
  const wall = await validate({ ...options, runner: runner(100_000), rate: 'wall' });
  assert.equal(onCore.rows[0]!.ratio, 1);
  assert.equal(wall.rows[0]!.ratio, 100_000 / 80_000);
  assert.equal(onCore.rows[0]!.threads.onCoreThroughput, 100_000);
});

test('without an on-core figure the on-core rate is the wall-clock one', async () => {
  const v = await validate({ ...options, runner: runner(null), rate: 'on-core' });
  assert.equal(v.rows[0]!.threads.onCoreThroughput, null);
  assert.equal(v.rows[0]!.ratio, 100_000 / 80_000);
});
