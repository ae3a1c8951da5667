// The work phase's footprint on the virtual engine: bytes the process writes
// push the allocators' lines out of the CPU's caches, so the allocator part
// of a lifetime grows with the footprint once it passes the private cache;
// at footprint 0 capacity eviction changes no figure (the same run with an
// unbounded private cache, i.e. no eviction, gives the same numbers).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinProfilePath } from '../src/cost-model/index.js';
import { DEFAULT_WORK_FOOTPRINT } from '../src/scenario/schema.js';
import type { ResultPoint } from '../src/results/schema.js';
import { runInput } from './fixtures/run-helpers.js';

const WORK_NS = 2000;

async function points(workFootprint: string | 0, cpus: number[], extra: Record<string, unknown> = {}): Promise<ResultPoint[]> {
  const { result } = await runInput({
    engine: 'virtual', workload: 'doexec', strategies: ['baseline', 'slab-dtor'], cpus, ops: 300, warmup: 30,
    workNs: WORK_NS, workFootprint, binary: 'none', ...extra,
  });
  assert.equal(result.status, 'complete');
  return result.points;
}

/** ns per lifetime besides the work phase. */
const nonWork = (p: ResultPoint) => 1e9 / p.throughput - p.timeSplit!.work;
const allocator = (p: ResultPoint) => p.timeSplit!.percpu + p.timeSplit!.loops;

// One CPU: with more, a longer cycle also means less lock contention, which hides the effect under test.
test('a larger footprint makes the allocator part of a one-CPU lifetime dearer', async () => {
  const [none, dflt, big] = [await points(0, [1]), await points(DEFAULT_WORK_FOOTPRINT, [1]), await points('8MiB', [1])];
  for (let i = 0; i < none.length; i++) {
    const what = `${none[i]!.strategy} ${none[i]!.cpus} CPU`;
    assert.ok(allocator(none[i]!) <= allocator(dflt[i]!) && allocator(dflt[i]!) <= allocator(big[i]!), what);
    assert.ok(nonWork(none[i]!) <= nonWork(dflt[i]!) + 1e-6 && nonWork(dflt[i]!) < nonWork(big[i]!), what);
    assert.ok(none[i]!.timeSplit!.work < dflt[i]!.timeSplit!.work, `${what}: the footprint's writes are priced as work`);
  }
  assert.ok(big[0]!.timeSplit!.percpu > none[0]!.timeSplit!.percpu, 'the baseline percpu path reloads its locks and data');
});

test('at footprint 0 capacity eviction changes no figure', async () => {
  const kernel = JSON.parse(readFileSync(builtinProfilePath('kernel'), 'utf8')) as { costs: Record<string, { value: number }> };
  kernel.costs.privateCacheBytes!.value = 2 ** 50;
  kernel.costs.llcBytesPerCore!.value = 2 ** 50;
  const path = join(mkdtempSync(join(tmpdir(), 'percpu-lab-fp-')), 'no-eviction.json');
  writeFileSync(path, JSON.stringify(kernel));
  const [evicting, unbounded] = [await points(0, [1, 4]), await points(0, [1, 4], { profile: path })];
  for (let i = 0; i < evicting.length; i++) {
    assert.equal(evicting[i]!.throughput, unbounded[i]!.throughput, `${evicting[i]!.strategy} ${evicting[i]!.cpus} CPU`);
    assert.deepEqual(evicting[i]!.timeSplit, unbounded[i]!.timeSplit);
  }
});
