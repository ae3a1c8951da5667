// "One process on a 192-CPU machine": the kernel's loops run over possible
// and online CPUs, not over busy ones, so a lone doexec process pays per-CPU
// loops that grow with the machine, while no lock is ever contended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInput } from './fixtures/run-helpers.js';

async function lonePoint(machineCpus: number) {
  const { result } = await runInput({
    engine: 'virtual', workload: 'doexec', strategies: ['baseline'], cpus: [1], machineCpus, sockets: machineCpus > 1 ? 2 : 1,
    threadsPerCore: machineCpus > 1 ? 2 : 1, ops: 200, warmup: 50, workNs: 10000,
  });
  assert.equal(result.status, 'complete');
  const p = result.points[0]!;
  assert.deepEqual(p.machine, { cpus: machineCpus, sockets: machineCpus > 1 ? 2 : 1, threadsPerCore: machineCpus > 1 ? 2 : 1 });
  return p;
}

test('one busy CPU on a 192-CPU machine pays 8x the loops of a 24-CPU machine and waits on no lock', async () => {
  const [small, big] = [await lonePoint(24), await lonePoint(192)];
  for (const p of [small, big]) {
    for (const [name, l] of Object.entries(p.locks)) assert.equal(l.contentions, 0, `${name} contended with one busy CPU`);
    assert.deepEqual(p.timeSplit!.wait, {});
  }
  const ratio = big.timeSplit!.loops / small.timeSplit!.loops;
  assert.ok(Math.abs(ratio - 8) < 0.08, `loops per lifetime 192 vs 24 possible CPUs: ${ratio}x, expected 8x`);
  assert.ok(big.throughput < small.throughput, 'the same work on a bigger machine is slower');
  assert.equal(big.timeSplit!.work, small.timeSplit!.work, 'the exec work does not depend on the machine');
});
