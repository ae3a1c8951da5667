// A result checked against itself passes, for both engines' rule sets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCheckCli, runResult, writeJson } from './fixtures/check-helpers.js';
import { tempDir } from './fixtures/sweep-helpers.js';

for (const engine of ['virtual', 'threads'] as const) {
  test(`identical ${engine} results pass with exit 0`, async () => {
    const file = writeJson(tempDir('check-same'), 'result.json', await runResult(engine));
    const r = runCheckCli([file, '--baseline', file]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^### percpu-lab check: PASS/m);
    assert.match(r.stdout, /\| metric \| baseline \| current \| change \| verdict \|/);
    assert.doesNotMatch(r.stdout, /REGRESSION/);
  });
}
