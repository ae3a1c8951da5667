// Every virtual point says how fast the host simulated it: the run's line
// for the point and the sweep's both print simulated lifetimes per host
// second, and the result records, with the host facts, each point's
// operations simulated (warm-up and window, every CPU) and the seconds that
// took. A threads point has no such figure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenario } from '../src/scenario/load.js';
import { runScenario } from '../src/scenario/run.js';
import { smallSpec, sweepInto, tempDir } from './fixtures/sweep-helpers.js';
import { TEST_RUN, virtualRunner } from './fixtures/sweep-virtual.js';

test('run: each virtual point prints and records its simulated lifetimes per host second', async () => {
  const lines: string[] = [];
  const r = await runScenario(
    await loadScenario({ engine: 'virtual', workload: 'doexec', strategy: 'baseline,lazy-rss', cpus: '1,4', ops: '40', warmup: '10', 'work-ns': '2000' }),
    { log: (l) => lines.push(l) },
  );
  const done = lines.filter((l) => / ops\/s over /.test(l));
  assert.equal(done.length, 4);
  for (const l of done) assert.match(l, /, \d[\d.]*[kMG]? simulated lifetimes per host second$/, l);
  const speeds = r.host.virtualSpeed ?? [];
  assert.deepEqual(speeds.map((s) => s.point), ['doexec/baseline/1cpu', 'doexec/baseline/4cpu', 'doexec/lazy-rss/1cpu', 'doexec/lazy-rss/4cpu']);
  for (const [i, s] of speeds.entries()) {
    const p = r.points[i]!;
    assert.equal(s.ops, p.lifetimes + p.cpus * 10, 'warm-up and window, every CPU');
    assert.ok(s.seconds > 0 && s.opsPerSecond === s.ops / s.seconds);
  }
});

test('sweep: each virtual point line ends with its simulation speed', async () => {
  const spec = smallSpec({ run: TEST_RUN, cpus: [1, 2], strategies: ['baseline'], repeats: 1 });
  const { lines } = await sweepInto(tempDir('speed'), spec, virtualRunner().runner);
  assert.equal(lines.length, 2, lines.join('\n'));
  for (const l of lines) assert.match(l, /cpus=\d r0: .* lifetimes\/s \(\d+\.\d\d s, \d[\d.]*[kMG]? simulated lifetimes per host second\)$/, l);
});
