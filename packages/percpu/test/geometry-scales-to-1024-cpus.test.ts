// 1024 possible CPUs (a big server's nr_cpu_ids) on a machine of two: the
// first chunk has a unit per possible CPU, new chunks populate a page per
// unit, and all of it fits a 256 MiB kernel memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPendingWork } from '@percpu-lab/machine';
import { bootPercpu, chunkOf } from './helpers.js';
import { DEFAULT_GEOMETRY } from '../src/geometry.js';

test('1024 possible CPUs: every unit reachable, chunks created and populated', () => {
  const { percpu, cpu, kernel } = bootPercpu({ nrCpus: 2, memBytes: 256 * 1024 * 1024, geometry: { ...DEFAULT_GEOMETRY, nrPossible: 1024 } });
  const c = cpu(0);
  const ptrs: number[] = [];
  for (let i = 0; i < 120; i++) ptrs.push(percpu.pcpuAlloc(c, 512, 8));
  runPendingWork(c);
  assert.ok(ptrs.every((p) => p !== 0));
  const s = percpu.stats();
  assert.equal(s.nrPossible, 1024);
  assert.ok(s.nrChunks >= 2 && ptrs.some((p) => chunkOf(percpu, p) !== percpu.ctx.firstChunk), '28 KiB of dynamic space ran out');
  const i32 = kernel.mem.i32;
  const last = ptrs[ptrs.length - 1]!;
  const seen = new Set<number>();
  for (let u = 0; u < 1024; u++) {
    const a = percpu.perCpuPtr(last, u);
    seen.add(a);
    i32[a >> 2] = u;
  }
  assert.equal(seen.size, 1024);
  for (let u = 0; u < 1024; u++) assert.equal(i32[percpu.perCpuPtr(last, u) >> 2], u);
  percpu.verify();
});
