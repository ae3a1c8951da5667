// Known answer for pcpu_next_hint: a request larger than the scan hint
// starts searching after it, so it skips a 16-bit hole the hints do not
// know (left behind when an allocation split a bigger hole) even though
// plain first fit would use it; a request that fits the scan hint starts at
// first_free and takes that hole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootPercpu, chunkOf, hintsOf, offsetOf, SMALL_GEOMETRY } from './helpers.js';

test('a request above the scan hint skips an earlier hole; a smaller one fills it', () => {
  const { percpu, cpu } = bootPercpu({ nrCpus: 1, geometry: SMALL_GEOMETRY });
  const c = cpu(0);
  const z = [160, 128, 16, 40, 16].map((size) => percpu.pcpuAlloc(c, size, 4));
  assert.deepEqual(z.map((p) => offsetOf(percpu, p)), [0, 160, 288, 304, 344]);
  const chunk = chunkOf(percpu, z[0]!);
  percpu.freePercpu(c, z[1]!); // hole of 32 bits at bit 40: the scan hint
  const w = percpu.pcpuAlloc(c, 64, 4); // fits the scan hint: starts at first_free
  assert.equal(offsetOf(percpu, w), 160);
  assert.equal(hintsOf(percpu, chunk, 0).scan, 0, 'the allocation used up the scan hint');
  percpu.freePercpu(c, z[3]!); // hole of 10 bits at bit 76 becomes the scan hint; bits 56–71 stay unknown
  assert.deepEqual(hintsOf(percpu, chunk, 0), { contig: 934, contigStart: 90, scan: 10, scanStart: 76, left: 0, right: 934, firstFree: 56 });
  const v = percpu.pcpuAlloc(c, 48, 4); // 12 bits > scan hint: search starts after it
  assert.equal(offsetOf(percpu, v), 360, 'skips the 16-bit hole at byte 224 that first fit would take');
  const u = percpu.pcpuAlloc(c, 40, 4); // 10 bits, not above the scan hint: from first_free
  assert.equal(offsetOf(percpu, u), 224);
  percpu.verify();
});
