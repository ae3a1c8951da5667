// The gate does not judge a threads point the host disturbed: a lost
// speedup that fails the gate passes once the point carries the
// disturbed mark (on either side), and the summary says which metrics
// were skipped; an undisturbed repeat of the point is judged instead.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HostDisturbance, RunResult } from '../src/results/schema.js';
import { summarise } from '../src/sweep/aggregate.js';
import type { PointView } from '../src/sweep/point-view.js';
import { pointRows, repeatedThreadsResult, runCheckCli, runResult, scalePoint, writeJson } from './fixtures/check-helpers.js';
import { tempDir } from './fixtures/sweep-helpers.js';

/** Mark every repeat of a point disturbed (or not). */
const mark = (r: RunResult, strategy: string, cpus: number, disturbed: boolean): void => {
  for (const p of r.points.filter((x) => x.strategy === strategy && x.cpus === cpus)) {
    p.disturbance = { runQueueShare: disturbed ? 0.4 : 0, expectedShare: 0, involuntarySwitches: 9, onCoreThroughput: p.throughput, loadAvg1: 9, disturbed, rule: 'test' } satisfies HostDisturbance;
  }
};

test('threads: a regression at a disturbed point is skipped, not failed', async () => {
  const dir = tempDir('check-disturbed');
  const base = await repeatedThreadsResult();
  const baseFile = writeJson(dir, 'base.json', base);
  const lost = structuredClone(base);
  scalePoint(lost, 'lazy-rss', 4, 0.6);
  assert.equal(runCheckCli([writeJson(dir, 'lost.json', lost), '--baseline', baseFile]).status, 1, 'undisturbed, the loss fails');

  mark(lost, 'lazy-rss', 4, true);
  const r = runCheckCli([writeJson(dir, 'lost-disturbed.json', lost), '--baseline', baseFile]);
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /PASS/);
  assert.ok(pointRows(r.stdout, 'doexec/threads/lazy-rss/4 CPUs of 4').some((l) => /^\| speedup \| .*skipped \(host disturbed the point\)/.test(l)), r.stdout);
  assert.match(r.stdout, /\d+ metrics not judged: the host disturbed a threads point/);

  // Disturbed on the baseline side only: still not judged.
  const baseDisturbed = structuredClone(base);
  mark(baseDisturbed, 'lazy-rss', 4, true);
  mark(lost, 'lazy-rss', 4, false);
  const b = runCheckCli([writeJson(dir, 'lost2.json', lost), '--baseline', writeJson(dir, 'base-disturbed.json', baseDisturbed)]);
  assert.equal(b.status, 0, b.stdout);
});

test('threads: a disturbed 1-CPU point takes the speedups that divide by it out of the gate', async () => {
  const dir = tempDir('check-disturbed-ref');
  const base = await repeatedThreadsResult();
  const cur = structuredClone(base);
  // A slow 1-CPU point inflates every speedup of its series; the point is marked, so none is judged.
  scalePoint(cur, 'lazy-rss', 1, 3);
  mark(cur, 'lazy-rss', 1, true);
  const json = runCheckCli([writeJson(dir, 'cur.json', cur), '--baseline', writeJson(dir, 'base.json', base), '--json']);
  assert.equal(json.status, 0, json.stdout);
  const out = JSON.parse(json.stdout) as { comparisons: { point: string; metric: string; verdict: string }[] };
  const speedups = out.comparisons.filter((c) => c.point.startsWith('doexec/threads/lazy-rss/') && c.metric === 'speedup');
  assert.ok(speedups.length > 0 && speedups.every((c) => c.verdict === 'disturbed'), JSON.stringify(speedups));
});

test('virtual results carry no disturbance and are judged as before', async () => {
  const dir = tempDir('check-virtual-judged');
  const base = await runResult('virtual');
  assert.ok(base.points.every((p) => p.disturbance === undefined));
  const lost = structuredClone(base);
  lost.points.find((x) => x.strategy === 'lazy-rss' && x.cpus === 4)!.throughput *= 0.6;
  const r = runCheckCli([writeJson(dir, 'lost.json', lost), '--baseline', writeJson(dir, 'base.json', base), '--json']);
  assert.equal(r.status, 1, r.stdout);
  const out = JSON.parse(r.stdout) as { comparisons: { point: string; metric: string; verdict: string }[] };
  assert.ok(out.comparisons.every((c) => c.verdict !== 'disturbed'), 'nothing is skipped');
  const lostAt = out.comparisons.find((c) => c.point === 'doexec/virtual/lazy-rss/4 CPUs of 4' && c.metric === 'throughput');
  assert.equal(lostAt?.verdict, 'regression');
});

test('repeats: undisturbed repeats decide the row; a row with no undisturbed repeat is marked', () => {
  const view = (throughput: number, disturbed: boolean): PointView => ({
    workload: 'doexec', engine: 'threads', strategy: 'baseline', strategySource: null, cpus: 1, lifetimes: 1000, throughput, locks: {}, percpu: null,
    timeSplit: null, machine: null, ...(disturbed && { disturbed }),
  });
  const [mixed] = summarise([view(100, false), view(10, true), view(110, false)], 0.1);
  assert.equal(mixed!.disturbed, false);
  assert.equal(mixed!.throughput.median, 105);
  assert.equal(mixed!.repeats, 2);
  const [all] = summarise([view(10, true), view(30, true)], 0.1);
  assert.equal(all!.disturbed, true);
  assert.equal(all!.throughput.median, 20);
});
