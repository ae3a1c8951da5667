// Multi-worker stress: 2 and then 4 CPUs, each a worker thread from the CPU
// pool, allocate and free concurrently with real pcpu_alloc_mutex and
// pcpu_lock. Every area carries a per-unit pattern its owner checks: no two
// live areas ever overlap in any unit. Afterwards the allocator's own
// invariants hold and nothing is left allocated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOnCpus, runPendingWork } from '@percpu-lab/machine';
import { bootPercpu } from './helpers.js';
import type { UnitPatternArgs, UnitPatternResult } from './fixtures/unit-pattern.job.js';

const JOB = new URL('./fixtures/unit-pattern.job.js', import.meta.url).href;
const GEOMETRY = { unitSize: 131072, staticSize: 8192, reservedSize: 0, dynSize: 12288 };

for (const cpus of [2, 4]) {
  test(`${cpus} CPUs allocating and freeing at once never share an area in any unit`, async () => {
    const { kernel, percpu, cpu } = bootPercpu({ nrCpus: cpus, geometry: GEOMETRY, memBytes: 96 * 1024 * 1024 });
    const results = await runOnCpus<UnitPatternArgs, UnitPatternResult>({ kernel, cpus, job: { module: JOB, args: { ops: 12000 } }, seed: 11 });
    const broken = results.reduce((a, r) => a + r.broken, 0);
    assert.equal(broken, 0, results.find((r) => r.firstBroken !== null)?.firstBroken ?? '');
    const allocs = results.reduce((a, r) => a + r.allocs, 0);
    assert.equal(results.reduce((a, r) => a + r.frees, 0), allocs);
    assert.ok(results.every((r) => r.allocs > 1000), 'every CPU did real work');
    runPendingWork(cpu(0));
    percpu.verify();
    const s = percpu.stats();
    assert.equal(s.nrCurAlloc, 0);
    assert.equal(s.nrAlloc, allocs);
    assert.ok(s.nrMaxChunks >= 2, 'chunks were created under contention');
  });
}
