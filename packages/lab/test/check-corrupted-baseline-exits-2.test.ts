// A baseline that cannot be read gets one line on stderr naming the file and
// the fix, and exit 2 — never a stack trace, never a pass.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCheckCli, runResult, writeJson } from './fixtures/check-helpers.js';
import { tempDir } from './fixtures/sweep-helpers.js';

const cases: [string, (good: string) => string][] = [
  ['truncated JSON', (good) => good.slice(0, good.length / 2)],
  ['JSON of another shape', () => JSON.stringify({ hello: 'world' })],
  ['empty file', () => ''],
];

for (const [name, corrupt] of cases) {
  test(`corrupted baseline (${name}) → one-line error, exit 2`, async () => {
    const dir = tempDir('check-corrupt');
    const result = writeJson(dir, 'result.json', await runResult('virtual'));
    const baseline = join(dir, 'baseline.json');
    writeFileSync(baseline, corrupt(JSON.stringify(await runResult('virtual'))));
    const r = runCheckCli([result, '--baseline', baseline]);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^percpu-lab check: bad baseline .*baseline\.json: .*regenerate it with `percpu-lab baseline`$/);
  });
}

test('missing baseline file → exit 2', async () => {
  const dir = tempDir('check-missing');
  const result = writeJson(dir, 'result.json', await runResult('virtual'));
  const r = runCheckCli([result, '--baseline', join(dir, 'nope.json')]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1);
});
