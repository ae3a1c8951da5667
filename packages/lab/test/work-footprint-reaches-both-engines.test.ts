// --work-footprint reaches the work phase of both engines and the result:
// a threads-engine CPU (RealCpu, set up as a worker sets it up) writes a
// private buffer of that size; the virtual engine prices exactly those
// bytes as work; result.json records the footprint next to workNs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atomicsLockOps, RealCpu } from '@percpu-lab/machine';
import { attachPoint, bootPoint } from '../src/boot.js';
import { loadProfile } from '../src/cost-model/index.js';
import { expandPoints, pointBase } from '../src/scenario/points.js';
import { parseScenario } from '../src/scenario/validate.js';
import { instantiate } from '../src/workloads/instantiate.js';
import { runInput, strategyNames } from './fixtures/run-helpers.js';

const FOOTPRINT = '1.5KiB';
const BYTES = 1536;

test('a threads-engine CPU writes the footprint into memory of its own', () => {
  // No exec model: its own pages would be private memory too.
  const s = parseScenario({ workFootprint: FOOTPRINT, workNs: 0, strategies: ['baseline'], binary: 'none' }, { file: null, fromFlags: new Set(), strategies: strategyNames() });
  const [spec] = expandPoints(s, pointBase(s));
  const kernel = bootPoint(spec!);
  kernel.setLockOps(atomicsLockOps);
  const cpu = new RealCpu(kernel, 0, spec!.seed, 1);
  cpu.online();
  const { program } = instantiate(kernel, cpu, spec!, attachPoint(kernel, spec!));
  assert.equal(cpu.privateBytes, 0);
  for (let done = 0; done < 3; ) done += program.step();
  program.finish();
  assert.equal(cpu.privateBytes, BYTES);
});

test('the threads engine pays for the footprint and result.json records it', async () => {
  const run = async (workFootprint: string) => (await runInput({ workFootprint, workNs: 0, strategies: ['slab-dtor'], ops: 300, warmup: 100 })).result;
  const [none, big] = [await run('0KiB'), await run('8MiB')];
  assert.equal(none.workFootprint, 0);
  assert.equal(big.workFootprint, 8 * 2 ** 20);
  // 8 MiB of stores per lifetime cost far more than the ~5 µs lifetime itself on any host.
  assert.ok(none.points[0]!.throughput > 3 * big.points[0]!.throughput, `${none.points[0]!.throughput} vs ${big.points[0]!.throughput} lifetimes/s`);
});

test('the virtual engine prices the footprint as streamed bytes of work', async () => {
  const { result } = await runInput({ engine: 'virtual', workFootprint: FOOTPRINT, workNs: 2000, strategies: ['baseline'], ops: 50, warmup: 5 });
  assert.equal(result.workFootprint, BYTES);
  assert.equal(result.scenario.workFootprint, FOOTPRINT);
  const work = result.points[0]!.timeSplit!.work;
  const want = 2000 + BYTES * loadProfile('kernel').zeroByteNs;
  assert.ok(Math.abs(work - want) < 1e-9 * want, `work ${work} ns per lifetime, expected ${want}`);
});
