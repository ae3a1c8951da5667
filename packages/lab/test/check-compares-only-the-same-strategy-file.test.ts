// A strategy loaded by path compares only with the same file content: the
// check refuses (exit 2, one line naming the point and both sources) when
// the baseline measured another sha256 of the file, or a built-in of the
// same name; the same file on both sides passes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCheckCli, runResult, writeJson } from './fixtures/check-helpers.js';
import { tempDir } from './fixtures/sweep-helpers.js';

const A = { path: 'examples/remedies/atomic-rss.js', sha256: 'a'.repeat(64) };
const B = { path: 'examples/remedies/atomic-rss.js', sha256: 'b'.repeat(64) };

test('same file passes; another hash or a built-in on one side exits 2 naming both', async () => {
  const dir = tempDir('check-strategy-file');
  const withSource = async (src: typeof A | null) => {
    const r = await runResult();
    for (const p of r.points) if (p.strategy !== 'baseline') p.strategySource = src;
    return r;
  };
  const a = writeJson(dir, 'a.json', await withSource(A));
  const same = runCheckCli([writeJson(dir, 'a2.json', await withSource(A)), '--baseline', a]);
  assert.equal(same.status, 0, same.stderr);

  for (const [name, src, want] of [
    ['b.json', B, /the baseline measured examples\/remedies\/atomic-rss\.js \(sha256 aaaaaaaaaaaa\), the result examples\/remedies\/atomic-rss\.js \(sha256 bbbbbbbbbbbb\)/],
    ['builtin.json', null, /the baseline measured examples\/remedies\/atomic-rss\.js \(sha256 aaaaaaaaaaaa\), the result the built-in/],
  ] as const) {
    const r = runCheckCli([writeJson(dir, name, await withSource(src)), '--baseline', a]);
    assert.equal(r.status, 2, r.stdout);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^percpu-lab check: doexec\/virtual\/\S+\/1 CPU[^:]*: /, "names the point");
    assert.match(lines[0]!, want);
  }
});
