// `percpu-lab --version` (and -V) prints the version every result records as tool.version.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { percpuLabAsync } from './fixtures/run-helpers.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

test('--version and -V print the lab version and exit 0', async () => {
  for (const flag of ['--version', '-V']) {
    const r = await percpuLabAsync([flag]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, `percpu-lab ${version}\n`);
  }
});
