// A sweep's name becomes its default output directory, results/sweep-<name>.
// A name that could point anywhere else (a path separator, a leading dot) is
// refused with one line and exit 2, and nothing is written.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSweepSpec } from '../src/sweep/spec.js';
import { percpuLabAsync } from './fixtures/run-helpers.js';

const spec = (name: string) => ({ name, workloads: ['doexec'], engines: ['virtual'], strategies: ['baseline'], cpus: [1], run: { ops: 10, workNs: 100 } });

test('names with a path separator or a leading dot are refused', () => {
  for (const name of ['../../evil', 'a/b', 'a\\b', '..', '.hidden', '/abs', '']) {
    assert.throws(() => parseSweepSpec(spec(name), 'f.json'), /f\.json: field name .*expected a name of letters, digits/, name);
  }
  for (const name of ['doexec-virtual', 'my_sweep.v2', 'a..b']) assert.equal(parseSweepSpec(spec(name), 'f.json').name, name);
});

test('the CLI refuses such a sweep file in one line and writes nothing', async () => {
  const root = mkdtempSync(join(tmpdir(), 'percpu-lab-sweep-name-'));
  const cwd = join(root, 'work');
  const file = join(root, 'evil.json');
  writeFileSync(file, JSON.stringify(spec('../../evil')));
  mkdirSync(cwd);
  const r = await percpuLabAsync(['sweep', '--file', file], 60_000, cwd);
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^percpu-lab sweep: .*evil\.json: field name .*, got "\.\.\/\.\.\/evil"\n$/);
  assert.deepEqual(readdirSync(cwd), []);
  assert.deepEqual(readdirSync(root).sort(), ['evil.json', 'work']);
});
