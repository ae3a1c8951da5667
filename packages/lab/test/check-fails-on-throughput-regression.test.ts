// An injected 20 % throughput loss fails the gate (exit 1) and the summary
// names the metric; on the threads engine only ratios count, judged by
// their 95 % intervals over repeats, so a uniformly slower host passes while
// a loss at one CPU count (a speedup loss) fails.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pointRows, repeatedThreadsResult, runCheckCli, runResult, scalePoint, writeJson } from './fixtures/check-helpers.js';
import { tempDir } from './fixtures/sweep-helpers.js';

test('virtual: 20 % lower throughput at one point is a named regression', async () => {
  const dir = tempDir('check-regress');
  const base = await runResult('virtual');
  const cur = structuredClone(base);
  const p = cur.points.find((x) => x.strategy === 'lazy-rss' && x.cpus === 4)!;
  p.throughput *= 0.8;
  const r = runCheckCli([writeJson(dir, 'cur.json', cur), '--baseline', writeJson(dir, 'base.json', base)]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /FAIL/);
  const rows = pointRows(r.stdout, 'doexec/virtual/lazy-rss/4 CPUs of 4');
  assert.ok(rows.some((l) => /^\| throughput \| .* \| -20\.0% \| \*\*REGRESSION\*\*/.test(l)), r.stdout);

  const json = runCheckCli([writeJson(dir, 'cur.json', cur), '--baseline', writeJson(dir, 'base.json', base), '--json']);
  assert.equal(json.status, 1);
  const out = JSON.parse(json.stdout) as { pass: boolean; comparisons: { point: string; metric: string; verdict: string }[] };
  assert.equal(out.pass, false);
  const bad = out.comparisons.filter((c) => c.verdict === 'regression').map((c) => `${c.point} ${c.metric}`);
  assert.ok(bad.includes('doexec/virtual/lazy-rss/4 CPUs of 4 throughput'), bad.join(', '));
});

test('threads: a uniformly slower host passes, a lost speedup fails', async () => {
  const dir = tempDir('check-threads');
  const base = await repeatedThreadsResult();
  const slower = structuredClone(base);
  for (const p of slower.points) p.throughput *= 0.8;
  const baseFile = writeJson(dir, 'base.json', base);
  const s = runCheckCli([writeJson(dir, 'slower.json', slower), '--baseline', baseFile]);
  assert.equal(s.status, 0, s.stdout);

  const lost = structuredClone(base);
  scalePoint(lost, 'lazy-rss', 4, 0.6);
  const r = runCheckCli([writeJson(dir, 'lost.json', lost), '--baseline', baseFile]);
  assert.equal(r.status, 1, r.stdout);
  assert.ok(pointRows(r.stdout, 'doexec/threads/lazy-rss/4 CPUs of 4')
    .some((l) => /^\| speedup \| [\d.]+ \[[\d.]+, [\d.]+\] \| [\d.]+ \[[\d.]+, [\d.]+\] .*REGRESSION/.test(l)), r.stdout);
});
