// A scenario file that lists a strategy by relative path means a path from
// the file's own directory, wherever `run --scenario` is started; the same
// path given as a flag is taken from the working directory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percpuLabAsync } from './fixtures/run-helpers.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FLAGS = ['--engine', 'virtual', '--cpus', '1', '--ops', '50', '--warmup', '10', '--work-ns', '2000', '--json', '--out'];

test('run --scenario resolves a relative strategy path from the scenario file', async () => {
  const out = mkdtempSync(join(tmpdir(), 'percpu-lab-relative-'));
  // In this package's build output, four levels below the checkout's root.
  const file = fileURLToPath(new URL('./scenario-relative-strategy.yaml', import.meta.url));
  writeFileSync(file, 'workload: doexec\nstrategies: [../../../../examples/remedies/atomic-rss.js]\n');
  const fromFile = await percpuLabAsync(['run', '--scenario', file, ...FLAGS, join(out, 'a')], 60_000, ROOT);
  assert.equal(fromFile.status, 0, fromFile.stderr);
  const point = (JSON.parse(fromFile.stdout) as { points: { strategy: string; strategySource: { path: string } | null }[] }).points[0]!;
  assert.equal(point.strategy, 'atomic-rss');
  assert.equal(point.strategySource?.path, 'examples/remedies/atomic-rss.js');

  const fromFlag = await percpuLabAsync(
    ['run', '--scenario', file, '--strategy', '../../../../examples/remedies/atomic-rss.js', ...FLAGS, join(out, 'b')],
    60_000,
    ROOT,
  );
  assert.equal(fromFlag.status, 2, 'a flag path is taken from the working directory, where it does not exist');
  assert.match(fromFlag.stderr, /strategy file .*examples\/remedies\/atomic-rss\.js: not found/);
});
