// A sweep interrupted and resumed, and a sweep run as shards and merged,
// aggregate to exactly the rows of one uninterrupted sweep; the resumed run
// repeats no finished point.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeSweeps } from '../src/sweep/merge.js';
import { parseShard } from '../src/sweep/shard.js';
import { sweepPoints } from '../src/sweep/spec.js';
import { loadSweep } from '../src/sweep/write-report.js';
import { virtualRunner } from './fixtures/sweep-virtual.js';
import { smallSpec, sweepInto, tempDir } from './fixtures/sweep-helpers.js';

test('resume and shard/merge give the rows of one unsharded sweep', async () => {
  const spec = smallSpec();
  const total = sweepPoints(spec).length;

  const whole = await sweepInto(tempDir('whole'), spec, virtualRunner().runner);
  assert.equal(whole.summary.ran, total);
  const expected = loadSweep(whole.store).summary;
  assert.deepEqual(expected.missing, []);
  assert.equal(expected.rows.length, 2 * 3);

  // Interrupted after 5 points, then resumed: the rerun runs only the rest.
  const dir = tempDir('resumed');
  await assert.rejects(sweepInto(dir, spec, virtualRunner({ failAfter: 5 }).runner), /interrupted/);
  const second = virtualRunner();
  const resumed = await sweepInto(dir, spec, second.runner);
  assert.equal(resumed.summary.skipped, 5);
  assert.equal(second.ran.length, total - 5);
  assert.deepEqual(loadSweep(resumed.store).summary, expected);

  // Three shards in three directories, merged.
  const shardDirs: string[] = [];
  for (let i = 1; i <= 3; i++) {
    const d = tempDir(`shard${i}`);
    await sweepInto(d, spec, virtualRunner().runner, { shard: parseShard(`${i}/3`) });
    shardDirs.push(d);
  }
  const merged = mergeSweeps(tempDir('merged'), shardDirs);
  assert.equal(merged.copied, total);
  assert.deepEqual(loadSweep(merged.store).summary, expected);
});
