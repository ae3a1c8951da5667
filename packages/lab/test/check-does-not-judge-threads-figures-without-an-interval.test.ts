// A threads timing figure is judged by its 95 % interval, and a side with
// fewer than six repeats has none: the check then neither passes nor fails
// it — not even a 40 % loss — and says so, with the repeats each side had.
// Lock counts, judged by value, still count. A check that could judge no
// metric at all does not pass.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResult } from '../src/results/schema.js';
import { pointRows, repeatedThreadsResult, runCheckCli, scalePoint, writeJson } from './fixtures/check-helpers.js';
import { tempDir } from './fixtures/sweep-helpers.js';

interface Out {
  pass: boolean;
  judged: number;
  comparisons: { point: string; metric: string; verdict: string; baselineSamples?: number; currentSamples?: number }[];
}

const lazySpeedup = (o: Out) => o.comparisons.find((c) => c.point.startsWith('doexec/threads/lazy-rss/4 CPUs') && c.metric === 'speedup')!;

test('too few repeats on either side: the lost speedup is NOT JUDGED, neither passed nor failed', async () => {
  const dir = tempDir('check-not-judged');
  const cases: [string, RunResult, RunResult, number, number][] = [
    ['3 repeats on both sides', await repeatedThreadsResult(3), await repeatedThreadsResult(3), 3, 3],
    ['6 in the baseline, 1 in the result', await repeatedThreadsResult(6), await repeatedThreadsResult(1), 6, 1],
  ];
  for (const [what, base, cur, nb, nc] of cases) {
    scalePoint(cur, 'lazy-rss', 4, 0.6);
    const args = [writeJson(dir, 'cur.json', cur), '--baseline', writeJson(dir, 'base.json', base)];
    const json = runCheckCli([...args, '--json']);
    const out = JSON.parse(json.stdout) as Out;
    const c = lazySpeedup(out);
    assert.equal(c.verdict, 'not-judged', `${what}: ${JSON.stringify(c)}`);
    assert.deepEqual([c.baselineSamples, c.currentSamples], [nb, nc], what);
    assert.ok(!out.comparisons.some((x) => x.verdict === 'regression'), `${what}: nothing regressed`);
    assert.ok(out.judged > 0, `${what}: lock counts are still judged by value`);
    const md = runCheckCli(args);
    assert.equal(md.status, 0, `${what}: ${md.stdout}`);
    assert.match(md.stdout, /\d+ metrics NOT JUDGED, neither passed nor failed/, what);
    const notJudged = new RegExp(`^\\| speedup \\| .* \\| NOT JUDGED: too few repeats for a 95 % interval \\(baseline ${nb}, current ${nc}; 6 needed\\) \\|$`);
    assert.ok(pointRows(md.stdout, 'doexec/threads/lazy-rss/4 CPUs of 4').some((l) => notJudged.test(l)), `${what}: ${md.stdout}`);
  }
});

test('nothing the check could judge is not a pass', async () => {
  const dir = tempDir('check-nothing-judged');
  const base = await repeatedThreadsResult(2);
  for (const p of base.points) p.locks = {};
  const r = runCheckCli([writeJson(dir, 'cur.json', base), '--baseline', writeJson(dir, 'base.json', base)]);
  assert.equal(r.status, 1, r.stdout);
  assert.match(r.stdout, /FAIL — no metric could be judged/);
});
