import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOnCpus } from '@percpu-lab/machine';
import { BadRssCounter, listStrategies, NR_MM_COUNTERS } from '../src/index.js';
import type { RssJobArgs } from './fixtures/rss-job.js';
import { bootMm } from './helpers.js';

test('rss counters updated from 4 CPUs at once sum to the exact total, for every strategy', async () => {
  const strategies = listStrategies().slice(0, 5).map((s) => s.name);
  const m = bootMm({ nrCpus: 4, strategies });
  const c0 = m.cpus[0]!;
  const mms = strategies.map((s) => m.ops[s]!.mmAlloc(c0));
  const iterations = 20_000;
  const results = await runOnCpus<RssJobArgs, number[][]>({
    kernel: m.kernel,
    cpus: 4,
    seed: 7,
    job: { module: new URL('./fixtures/rss-job.js', import.meta.url).href, args: { strategies, mms, iterations } },
  });

  strategies.forEach((s, i) => {
    const ops = m.ops[s]!;
    const mm = mms[i]!;
    const want = Array.from({ length: NR_MM_COUNTERS }, (_, k) => results.reduce((n, r) => n + r[i]![k]!, 0));
    const got = Array.from({ length: NR_MM_COUNTERS }, (_, k) => ops.getMmCounterSum(c0, mm, k));
    assert.deepEqual(got, want, `${s}: nothing lost`);
    assert.ok(want.some((v) => v !== 0));
    assert.throws(() => ops.mmdrop(c0, mm), BadRssCounter, `${s}: check_mm sees the non-zero counters`);
    want.forEach((v, k) => ops.addMmCounter(c0, mm, k, -v));
    ops.mmdrop(c0, mm);
    ops.drainCaches!(c0);
  });
  assert.equal(m.percpu.stats().nrCurAlloc, 0);
  m.percpu.verify();
});
