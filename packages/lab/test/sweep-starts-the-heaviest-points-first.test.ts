// Virtual points of a sweep start heaviest first — by CPUs × ops per CPU ×
// the machine's CPUs — so the longest point never starts last and decides
// the wall time; only when the work per cycle is still to be derived does
// the lightest point of each series, which derives it, go first (also after
// a resume, when the series' 1-CPU point may be done already). The order
// changes no result: the files equal a serial sweep's, resumed or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { pointWeight } from '../src/sweep/progress.js';
import { laneOrder, type PointRunner } from '../src/sweep/run.js';
import { sweepPoints, type SweepSpec } from '../src/sweep/spec.js';
import type { SweepStore } from '../src/sweep/store.js';
import { smallSpec, sweepInto, tempDir } from './fixtures/sweep-helpers.js';
import { TEST_RUN, virtualRunner } from './fixtures/sweep-virtual.js';

const name = (p: { strategy: string; cpus: number }) => `${p.strategy}@${p.cpus}`;

/** A runner that records the order points reach it in. */
function recording(inner: PointRunner): { run: PointRunner; started: string[] } {
  const started: string[] = [];
  return { started, run: (p, s) => (started.push(name(p)), inner(p, s)) };
}

/** Point files without their write time and the host's simulation speed. */
function files(store: SweepStore): Map<string, string> {
  return new Map(store.keys().map((k) => [
    k, readFileSync(store.pointFile(k), 'utf8').replace(/^ {2}"createdAt": ".*",\n/m, '').replace(/,\n {4}"virtualSpeed": \[[^\]]*\]/, ''),
  ]));
}

test('a point weighs CPUs x (ops + warm-up) x machine CPUs, or CPUs x seconds x machine CPUs', () => {
  const [p] = sweepPoints(smallSpec({ cpus: [8], repeats: 1, strategies: ['baseline'] }));
  assert.equal(pointWeight(smallSpec({ run: { ops: 100, warmup: 10 }, cpus: [8, 64] }), p!), 8 * 110 * 64);
  assert.equal(pointWeight(smallSpec({ run: { ops: 100, warmup: 10, machineCpus: 192 }, cpus: [8] }), p!), 8 * 110 * 192);
  assert.equal(pointWeight(smallSpec({ run: { duration: 2 }, cpus: [8] }), p!), 8 * 2 * 8);
});

test('with the work per cycle given, the heaviest points start first, and the files are a serial sweep\'s', async () => {
  const spec: SweepSpec = smallSpec({ run: TEST_RUN, cpus: [1, 2, 4], repeats: 1 });
  const r = recording(virtualRunner().runner);
  const parallel = await sweepInto(tempDir('heavy-first'), spec, r.run, { jobs: 2 });
  assert.deepEqual(r.started, ['baseline@4', 'lazy-rss@4', 'baseline@2', 'lazy-rss@2', 'baseline@1', 'lazy-rss@1']);
  const serial = await sweepInto(tempDir('heavy-first-serial'), spec, virtualRunner().runner);
  assert.deepEqual(files(parallel.store), files(serial.store));
});

test('with the work to derive, the lightest point of the series goes first, then the heaviest, resumed or not', async () => {
  const { workNs: _given, ...run } = TEST_RUN;
  const spec: SweepSpec = smallSpec({ run, cpus: [1, 2, 4], repeats: 1 });
  assert.deepEqual(laneOrder(spec, sweepPoints(spec)).map(name), ['baseline@1', 'baseline@4', 'lazy-rss@4', 'baseline@2', 'lazy-rss@2', 'lazy-rss@1']);
  // Stopped after two points (baseline@1, which derived the work, and baseline@4), then resumed: serially and side by side.
  const resumed: SweepStore[] = [];
  for (const jobs of [1, 2]) {
    const dir = tempDir(`heavy-first-derived-${jobs}`);
    await assert.rejects(sweepInto(dir, spec, virtualRunner({ failAfter: 2 }).runner));
    const r = recording(virtualRunner().runner);
    const done = await sweepInto(dir, spec, r.run, { jobs });
    assert.equal(done.summary.skipped, 2);
    // The resumed series derives its work again, with its lightest point left — not with the 2-CPU point the rest would wait for.
    assert.deepEqual(r.started.slice(0, 1), ['lazy-rss@1'], `jobs ${jobs}: ${r.started.join(' ')}`);
    resumed.push(done.store);
  }
  assert.deepEqual(files(resumed[1]!), files(resumed[0]!), 'a resumed sweep writes the same files serially and side by side');
});
