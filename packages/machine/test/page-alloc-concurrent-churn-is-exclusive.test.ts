// Several worker CPUs allocate pages until the allocator runs dry, free
// them all, and repeat. No page is ever handed to two CPUs at once,
// exhaustion shows as failures (counted, never thrown), and once everything
// is freed and the per-CPU lists drained, the zone has every page back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atomicsLockOps } from '../src/atomics-lock.js';
import { PageAllocator } from '../src/pages.js';
import { runOnCpus } from '../src/pool/run-on-cpus.js';
import { RealCpu } from '../src/real-cpu.js';
import type { PageChurnArgs, PageChurnResult } from './fixtures/page-churn.job.js';
import { bootTestKernel, fixtureJob } from './fixtures/test-kernel.js';

for (const order of [0, 2]) {
  test(`order-${order} pages: 4 CPUs churn to exhaustion and back without a double hand-out`, async () => {
    const kernel = bootTestKernel(4, { memBytes: 8 * 1024 * 1024 });
    kernel.setLockOps(atomicsLockOps);
    const main = new PageAllocator(kernel);
    const total = main.stats().nrFree;
    const rounds = 12;
    const r = await runOnCpus<PageChurnArgs, PageChurnResult>({
      kernel,
      cpus: 4,
      job: { module: fixtureJob('page-churn.job'), args: { rounds, cap: 0, order } },
      seed: 3,
    });
    assert.equal(r.reduce((a, c) => a + c.doubles, 0), 0, 'a page was handed out twice');
    const failures = r.reduce((a, c) => a + c.failures, 0);
    assert.equal(failures, 4 * rounds, 'every CPU ran the allocator dry every round');
    const s = main.stats();
    assert.equal(s.allocFail, failures);
    assert.equal(s.pgalloc, s.pgfree);
    assert.equal(s.pgalloc, r.reduce((a, c) => a + c.allocated, 0) << order);
    const cpu0 = new RealCpu(kernel, 0, 1, 1);
    main.drainAllPages(cpu0);
    assert.equal(main.stats().nrFree, total, 'every page is back in the zone');
    assert.notEqual(main.allocPages(cpu0, 8), 0, 'and freed pages merged back into large blocks');
  });
}
