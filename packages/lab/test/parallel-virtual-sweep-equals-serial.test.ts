// Virtual-engine points of a sweep run side by side on worker threads, and
// every point file is byte for byte the one a serial sweep writes (bar its
// createdAt line and how fast the host simulated it, host.virtualSpeed) —
// including the doexec work per cycle that the first point derives and the
// others reuse. A shard run in parallel and then
// resumed in parallel gives the files the same two steps give serially.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { engineRunner } from '../src/sweep/engine-runner.js';
import type { PointRunner } from '../src/sweep/run.js';
import { parseShard } from '../src/sweep/shard.js';
import { sweepPoints, type SweepSpec } from '../src/sweep/spec.js';
import type { SweepStore } from '../src/sweep/store.js';
import { smallSpec, sweepInto, tempDir } from './fixtures/sweep-helpers.js';
import { TEST_RUN, virtualRunner } from './fixtures/sweep-virtual.js';

// No workNs: the sweep derives it, so the pinning across points is under test too.
const { workNs: _given, ...run } = TEST_RUN;
const spec: SweepSpec = smallSpec({ run });

function pointFiles(store: SweepStore): Map<string, string> {
  const files = new Map<string, string>();
  for (const key of store.keys()) {
    const text = readFileSync(store.pointFile(key), 'utf8').replace(/^ {2}"createdAt": ".*",\n/m, '');
    // The speed is the only host figure that differs between two runs on one host: the rest of the file, as written, must match.
    files.set(key, text.replace(/,\n {4}"virtualSpeed": \[[^\]]*\]/, ''));
  }
  return files;
}

/** A pooled runner that also records the most points it had in flight at once. */
function pooled(jobs: number): { run: PointRunner; close: () => Promise<void>; maxInFlight: () => number } {
  const inner = engineRunner({ jobs });
  let inFlight = 0;
  let max = 0;
  const run: PointRunner = async (point, scenario) => {
    max = Math.max(max, ++inFlight);
    try {
      return await inner.run(point, scenario);
    } finally {
      inFlight--;
    }
  };
  return { run, close: inner.close, maxInFlight: () => max };
}

test('a parallel virtual sweep writes the bytes of a serial one', async () => {
  const serial = await sweepInto(tempDir('serial'), spec, virtualRunner().runner);
  const pool = pooled(3);
  try {
    const parallel = await sweepInto(tempDir('parallel'), spec, pool.run, { jobs: 3 });
    assert.equal(parallel.summary.ran, sweepPoints(spec).length);
    assert.ok(pool.maxInFlight() > 1, 'points ran side by side');
    const expected = pointFiles(serial.store);
    assert.equal(expected.size, sweepPoints(spec).length);
    assert.equal([...expected.values()].filter((f) => f.includes('"derived": true')).length, 1, 'one point derives the work, the rest reuse it');
    assert.deepEqual(pointFiles(parallel.store), expected);
  } finally {
    await pool.close();
  }
});

test('a shard then a resume give the same files in parallel as serially', async () => {
  const spec = smallSpec({ run, repeats: 1 });
  const serialDir = tempDir('serial-resumed');
  await sweepInto(serialDir, spec, virtualRunner().runner, { shard: parseShard('1/2') });
  const serial = await sweepInto(serialDir, spec, virtualRunner().runner);

  const pool = pooled(2);
  try {
    const dir = tempDir('parallel-resumed');
    await sweepInto(dir, spec, pool.run, { shard: parseShard('1/2'), jobs: 2 });
    const resumed = await sweepInto(dir, spec, pool.run, { jobs: 2 });
    assert.equal(resumed.summary.skipped, Math.ceil(sweepPoints(spec).length / 2));
    assert.deepEqual(pointFiles(resumed.store), pointFiles(serial.store));
  } finally {
    await pool.close();
  }
});
