import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOnCpus } from '@percpu-lab/machine';
import { readSlabStats, validateSlabCache } from '@percpu-lab/slab';
import { listLength, listStrategies, mmCacheName } from '../src/index.js';
import type { ChurnJobArgs, ChurnResult } from './fixtures/churn-job.js';
import { bootMm } from './helpers.js';

test('4 CPUs churning mm lifetimes of all strategies at once leave every allocator consistent and empty', async () => {
  const strategies = listStrategies().slice(0, 5).map((s) => s.name);
  const cpus = 4;
  const m = bootMm({ nrCpus: cpus, strategies, mmOpts: { pcpuCacheBatch: 8 } });
  const mailbox = new SharedArrayBuffer(4 * (cpus + 1));
  const results = await runOnCpus<ChurnJobArgs, ChurnResult>({
    kernel: m.kernel,
    cpus,
    seed: 11,
    job: { module: new URL('./fixtures/churn-job.js', import.meta.url).href, args: { strategies, iterations: 3000, mailbox } },
  });
  const total = (k: keyof ChurnResult) => results.reduce((n, r) => n + r[k], 0);
  assert.equal(total('allocFailures'), 0);
  assert.ok(total('handedOver') > 100, 'mms were dropped on other CPUs');
  assert.equal(total('received'), total('handedOver'), 'every handed-over mm was dropped');

  for (const s of strategies) {
    const cache = mmCacheName(s);
    assert.equal(readSlabStats(m.kernel, cache).objects, 0, `${s}: no mm left`);
    validateSlabCache(m.kernel, cache);
    for (const cpu of m.cpus) m.ops[s]!.drainCaches!(cpu);
    const st = readSlabStats(m.kernel, cache);
    assert.equal(st.slabs, 0, `${s}: every slab discarded after draining`);
    assert.equal(st.dtor_calls, st.ctor_calls, `${s}: every constructed object destructed once`);
    assert.equal(m.ops[s]!.parkedPercpuBytes(), 0);
  }
  const mem = m.kernel.mem;
  assert.equal(listLength(mem, m.kernel.symbol('percpu_counters')), 0, 'no counter left on the global list');
  assert.equal(listLength(mem, m.kernel.symbol('pgd_list')), 0, 'no pgd left on pgd_list');
  assert.equal(m.percpu.stats().nrCurAlloc, 0, 'no percpu area leaked');
  m.percpu.verify();
});
