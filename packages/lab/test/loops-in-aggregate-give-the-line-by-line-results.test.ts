// The whole model on a 64-CPU, 2-socket machine with SMT siblings, every
// strategy, 1, 16 and 64 busy CPUs: a run whose loops over CPUs are priced in
// aggregate (the default) writes the result JSON that line-by-line pricing
// (PERCPU_LAB_EXACT_LOOPS=1, the reference) writes, byte for byte but for the
// timestamp, the host and the reference's own note that it is one. Work
// footprints that keep lines cached and ones that push them to the LLC and to
// DRAM both; doexec and spawn-remote (the mm dropped on another CPU).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXACT_LOOPS_ENV } from '../src/engine/virtual/context.js';
import { loadScenario } from '../src/scenario/load.js';
import { runScenario } from '../src/scenario/run.js';
import type { RunResult } from '../src/results/schema.js';

const MACHINE = { engine: 'virtual', strategy: 'all', cpus: '1,16,64', 'machine-cpus': '64', sockets: '2', 'threads-per-core': '2', seed: '3' };

async function run(flags: Record<string, string>, exact: boolean): Promise<RunResult> {
  const before = process.env[EXACT_LOOPS_ENV];
  process.env[EXACT_LOOPS_ENV] = exact ? '1' : '0';
  try {
    return await runScenario(await loadScenario({ ...MACHINE, ...flags }), { log() {} });
  } finally {
    if (before === undefined) delete process.env[EXACT_LOOPS_ENV];
    else process.env[EXACT_LOOPS_ENV] = before;
  }
}

function comparable(r: RunResult): string {
  const { createdAt: _t, host: _h, ...rest } = r;
  return JSON.stringify({ ...rest, points: rest.points.map(({ engineInfo: { loopPricing: _l, ...info }, ...p }) => ({ ...p, engineInfo: info })) });
}

for (const [name, flags] of [
  ['doexec, default footprint', { workload: 'doexec', ops: '80', warmup: '20' }],
  ['doexec, 2 MiB footprint (lines go to the LLC and DRAM)', { workload: 'doexec', ops: '80', warmup: '20', 'work-footprint': '2MiB' }],
  ['spawn-remote, no footprint', { workload: 'spawn-remote', ops: '80', warmup: '20', 'work-footprint': '0' }],
] as const) {
  test(`${name}: aggregate and line-by-line pricing give the same result`, async () => {
    const exact = await run(flags, true);
    const agg = await run(flags, false);
    assert.equal(exact.status, 'complete');
    assert.equal(exact.points.length, 15, 'every strategy at 1, 16 and 64 CPUs');
    assert.ok(exact.points.every((p) => p.engineInfo['loopPricing'] === 'exact'), 'the reference says it is one');
    assert.ok(agg.points.every((p) => !('loopPricing' in p.engineInfo)), 'the default result is as it always was');
    assert.ok(exact.points.every((p) => p.timeSplit !== null && p.timeSplit.loops > 0), 'the loops are priced at all');
    assert.equal(comparable(agg), comparable(exact));
  });
}

test('a bad PERCPU_LAB_EXACT_LOOPS is refused in one line', async () => {
  process.env[EXACT_LOOPS_ENV] = 'yes';
  try {
    await assert.rejects(runScenario(await loadScenario({ ...MACHINE, cpus: '1', ops: '10' }), { log() {} }), /PERCPU_LAB_EXACT_LOOPS must be 1 .* or 0, got "yes"/);
  } finally {
    delete process.env[EXACT_LOOPS_ENV];
  }
});
