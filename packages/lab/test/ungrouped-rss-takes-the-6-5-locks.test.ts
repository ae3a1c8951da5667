// examples/remedies/ungrouped-rss.js is the mm of Linux 6.4–6.5: mm_cid plus
// four rss percpu_counters, each set up by percpu_counter_init() on its own.
// What the 6.5 code takes per mm lifetime, counted from the source:
//   mm_init: mm_alloc_cid → pcpu_alloc (mutex 1, pcpu_lock 1);
//            4 × percpu_counter_init → pcpu_alloc (mutex 1, pcpu_lock 1) and
//            list_add under percpu_counters_lock (1);
//            pgd_alloc under pgd_lock (1)
//   __mmdrop: pgd_free under pgd_lock (1); mm_destroy_cid → free_percpu
//            (pcpu_lock 1); 4 × percpu_counter_destroy → list_del under
//            percpu_counters_lock (1) and free_percpu (pcpu_lock 1)
// = pcpu_alloc_mutex 5, pcpu_lock 10, percpu_counters_lock 4 + 4, pgd_lock 2,
// and five percpu areas per lifetime: four of 4 bytes and one of 16. Both
// engines run it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../src/scenario/load.js';
import { runScenario } from '../src/scenario/run.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FILE = 'examples/remedies/ungrouped-rss.js';
const LOCKS_6_5 = { pcpu_alloc_mutex: 5, pcpu_lock: 10, percpu_counters_lock: 8, pgd_lock: 2 };
/** The end-of-run cache drain and rare slab or page refills add a little to the steady state. */
const TOLERANCE = 0.05;

for (const engine of ['virtual', 'threads']) {
  test(`ungrouped-rss takes the 6.5 locks per lifetime and makes five areas (${engine} engine)`, async () => {
    process.chdir(ROOT);
    const scenario = await loadScenario({ engine, strategy: FILE, cpus: '1', ops: '400', warmup: '100', 'work-ns': '0' });
    const r = await runScenario(scenario, { log() {} });
    assert.equal(r.status, 'complete', r.failure?.message);
    const p = r.points[0]!;
    assert.equal(p.strategy, 'ungrouped-rss');
    assert.deepEqual(Object.fromEntries(Object.entries(p.checks).map(([k, c]) => [k, c.status])), { verify: 'passed', rss: 'passed', leak: 'passed' });
    for (const [lock, n] of Object.entries(LOCKS_6_5)) {
      const got = (p.locks[lock]?.acquisitions ?? 0) / p.lifetimes;
      assert.ok(Math.abs(got - n) <= TOLERANCE, `${lock}: ${got.toFixed(3)} per lifetime, the 6.5 code takes ${n}`);
    }
    const bySize = Object.fromEntries(p.percpu.sizeHistogram.map((b) => [b.le, b.count]));
    assert.equal(bySize[4], 4 * bySize[16]!, `four 4-byte counters for each 16-byte mm_cid: ${JSON.stringify(bySize)}`);
  });
}
