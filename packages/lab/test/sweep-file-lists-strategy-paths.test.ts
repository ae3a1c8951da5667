// A sweep file may list strategy files by path next to built-in names: the
// sweep loads them, runs every point, records each file and its hash in the
// stored results, and its report.txt opens with the files and holds the
// remedies table (the real CLI, virtual engine, from the checkout's root).
// A relative path in the file is taken from the file's directory, not from
// where the command runs.
// Resuming after the file changed is refused as a different sweep.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendFileSync, copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDir } from './fixtures/sweep-helpers.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

test('a sweep file with strategy paths runs, records the files and reports the remedies', () => {
  const dir = tempDir('sweep-paths');
  // In this package's build output, four levels below the checkout's root.
  const file = fileURLToPath(new URL('./sweep-paths.yaml', import.meta.url));
  writeFileSync(file, [
    'name: paths', 'workloads: [doexec]', 'engines: [virtual]', 'cpus: [1, 4]',
    'strategies: [baseline, ../../../../examples/remedies/grouped-cached.js]', 'run: {ops: 100, warmup: 50, workNs: 2000}', '',
  ].join('\n'));
  const out = join(dir, 'out');
  const r = spawnSync(process.execPath, ['bin/percpu-lab.js', 'sweep', '--file', file, '--out', out, '--no-report'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const sources = readdirSync(join(out, 'points')).map((f) => JSON.parse(readFileSync(join(out, 'points', f), 'utf8')))
    .flatMap((j: { points: { strategy: string; strategySource: { path: string } | null }[] }) => j.points)
    .map((p) => `${p.strategy} ${p.strategySource?.path ?? 'built-in'}`).sort();
  assert.deepEqual(sources, [
    'baseline built-in', 'baseline built-in',
    'grouped-cached examples/remedies/grouped-cached.js', 'grouped-cached examples/remedies/grouped-cached.js',
  ]);
  const merged = spawnSync(process.execPath, ['bin/percpu-lab.js', 'sweep', '--file', file, '--out', out], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(merged.status, 0, merged.stderr);
  const text = readFileSync(join(out, 'report.txt'), 'utf8');
  assert.match(text, /^strategy grouped-cached loaded from examples\/remedies\/grouped-cached\.js \(sha256 [0-9a-f]{12}\)$/m);
  assert.match(text, /^remedies: doexec on the virtual engine$/m);
  assert.match(text, /^\s+4\s+grouped-cached\s+\S+\s+[+-]\d+\.\d%/m);
  assert.ok(merged.stdout.includes(text.trimEnd()), 'the sweep prints report.txt');
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /<table class="remedies">/);
});

test('resuming a sweep after its strategy file changed is refused as a different sweep', () => {
  const dir = tempDir('sweep-paths-changed');
  // A copy inside the checkout (this package's build output), so @percpu-lab/mm resolves.
  const remedy = fileURLToPath(new URL('./sweep-changed-remedy.js', import.meta.url));
  copyFileSync(join(ROOT, 'examples/remedies/atomic-rss.js'), remedy);
  const out = join(dir, 'out');
  const args = ['bin/percpu-lab.js', 'sweep', '--engine', 'virtual', '--strategy', `baseline,${remedy}`, '--cpus', '1',
    '--ops', '50', '--warmup', '10', '--work-ns', '2000', '--out', out, '--no-report'];
  const first = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  assert.equal(first.status, 0, first.stderr);
  assert.match(readFileSync(join(out, 'sweep.json'), 'utf8'), /"strategyFiles": \{\s+"atomic-rss": \{\s+"path": "packages\/lab\/dist\/test\/sweep-changed-remedy\.js",\s+"sha256": "[0-9a-f]{64}"/);
  appendFileSync(remedy, '// edited\n');
  const resumed = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  assert.equal(resumed.status, 2, resumed.stdout);
  assert.match(resumed.stderr, /^percpu-lab sweep: .* holds a different sweep \(custom\); choose another --out directory or delete this one\n$/);
});
