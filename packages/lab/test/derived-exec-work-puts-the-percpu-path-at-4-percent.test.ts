// Without an exec model (--binary none) the virtual engine derives the
// doexec work from the 4 % rule (KERNEL.md s.4) on the path its profile
// prices: one process on a one-CPU machine then spends 4 % of each measured
// cycle in the baseline's percpu path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInput } from './fixtures/run-helpers.js';

test('the derived exec work makes the priced percpu path 4 % (± 0.5 %) of a one-process cycle', async () => {
  const { result, log } = await runInput({ engine: 'virtual', workload: 'doexec', strategies: ['baseline'], cpus: [1], machineCpus: 1, ops: 500, warmup: 100, binary: 'none' });
  const w = result.workNs!;
  assert.equal(w.derived, true);
  assert.ok(log.some((l) => /derived on 1 CPU, baseline, virtual engine/.test(l)), log.join('\n'));
  const cycleNs = 1e9 / result.points[0]!.throughput;
  const share = w.percpuPathNs! / cycleNs;
  assert.ok(Math.abs(share - 0.04) <= 0.005, `percpu path ${w.percpuPathNs} ns of a ${cycleNs} ns cycle = ${(share * 100).toFixed(2)} %`);
});
