// The sweep workflow's own steps, run here as its jobs would run on N
// runners (plan, N shard processes, merge), give the same points with the
// same numbers as one unsharded `percpu-lab sweep` of the same file: the
// merged summary equals the unsharded one, and every point's result is
// identical apart from when it was written. The virtual engine makes this
// exact; nothing is compared to a fixed figure.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LocalRunner, readWorkflow } from './fixtures/local-workflow-runner.js';
import { tempDir } from './fixtures/sweep-helpers.js';

/** Compiled tests live in dist/test/; the workspace root is four levels up. */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const WORKFLOW = join(ROOT, '.github/workflows/sweep.yml');
const SWEEP_FILE = 'packages/lab/test/fixtures/sweep-workflow-small.yml';
const FLAGS = '--repeats 2';
const SHARDS = 3;

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** Every point file of a sweep directory by key, without its write time and the host's simulation speed. */
function pointsOf(dir: string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const f of readdirSync(join(dir, 'points')).filter((n) => n.endsWith('.json'))) {
    const { createdAt, host, ...rest } = readJson(join(dir, 'points', f));
    assert.equal(typeof createdAt, 'string');
    const { virtualSpeed: _speed, ...facts } = host as Record<string, unknown>;
    out.set(f, { ...rest, host: facts });
  }
  return out;
}

test(`the sweep workflow on ${SHARDS} runners equals one unsharded sweep`, () => {
  const workflow = readWorkflow(WORKFLOW);
  const matrix = (workflow.jobs['shard'] as unknown as { strategy: { matrix: { shard: string } } }).strategy.matrix.shard;
  assert.equal(matrix, '${{ fromJSON(needs.plan.outputs.shards) }}');

  const runner = new LocalRunner(ROOT);
  const inputs = { 'inputs.sweep': SWEEP_FILE, 'inputs.shards': String(SHARDS), 'inputs.flags': FLAGS };
  const plan = runner.runJob(workflow, 'plan', inputs);
  const shards = JSON.parse(plan.outputs['shards']!) as number[];
  assert.deepEqual(shards, [1, 2, 3]);
  for (const i of shards) runner.runJob(workflow, 'shard', { ...inputs, 'matrix.shard': String(i) });
  const report = runner.runJob(workflow, 'report', inputs);
  assert.match(report.summary, /sweep-report/);

  const whole = tempDir('workflow-whole');
  const r = spawnSync(process.execPath, ['bin/percpu-lab.js', 'sweep', '--file', SWEEP_FILE, ...FLAGS.split(' '), '--out', whole], {
    cwd: ROOT, encoding: 'utf8', timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);

  // Same points: the shards split the matrix without overlap and together hold all of it.
  const expected = pointsOf(whole);
  assert.equal(expected.size, 2 * 3 * 2);
  const byShard = shards.map((i) => pointsOf(runner.artifact(`sweep-shard-${i}`)));
  assert.ok(byShard.every((s) => s.size > 0), 'a shard ran no point');
  assert.equal(byShard.reduce((n, s) => n + s.size, 0), expected.size);
  // Same numbers, point by point and in the merged summary.
  for (const s of byShard) for (const [key, point] of s) assert.deepEqual(point, expected.get(key), key);
  const merged = runner.artifact('sweep-report');
  assert.deepEqual(readJson(join(merged, 'summary.json')), readJson(join(whole, 'summary.json')));
  assert.ok(existsSync(join(merged, 'report.html')));
  assert.ok(readdirSync(join(merged, 'charts')).some((f) => f.endsWith('.svg')));
});
