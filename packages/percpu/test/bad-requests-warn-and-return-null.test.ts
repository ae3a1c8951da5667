// pcpu_alloc's request checks: size 0, a size above PCPU_MIN_UNIT_SIZE after
// rounding to 4, an align above PAGE_SIZE or not a power of two (after
// raising it to 4) make the kernel WARN and return NULL. The model returns 0
// and counts the warning; it never throws. __GFP_NOWARN silences the count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootPercpu, offsetOf } from './helpers.js';
import { GFP_KERNEL, __GFP_NOWARN } from '../src/constants.js';

test('illegal requests return 0 and bump the warning counter', () => {
  const { percpu, cpu } = bootPercpu({ nrCpus: 1 });
  const c = cpu(0);
  const bad: [number, number][] = [[0, 4], [32769, 4], [40000, 8], [16, 6], [16, 12], [16, 8192], [-4, 4], [NaN, 4]];
  for (const [size, align] of bad) assert.equal(percpu.pcpuAlloc(c, size, align), 0, `size ${size} align ${align}`);
  assert.equal(percpu.stats().warnings, bad.length);
  assert.equal(percpu.pcpuAlloc(c, 0, 4, false, GFP_KERNEL | __GFP_NOWARN), 0);
  assert.equal(percpu.stats().warnings, bad.length, '__GFP_NOWARN: no warning');
  assert.equal(percpu.stats().nrAlloc, 0);
  percpu.verify();
});

test('what the kernel accepts: align below 4 becomes 4, sizes round up to 4, 32 KiB is the limit', () => {
  const { percpu, cpu } = bootPercpu({ nrCpus: 1 });
  const c = cpu(0);
  const odd = percpu.pcpuAlloc(c, 5, 1);
  const next = percpu.pcpuAlloc(c, 4, 3);
  assert.notEqual(odd, 0);
  assert.equal(offsetOf(percpu, next) - offsetOf(percpu, odd), 8, '5 bytes take 8');
  assert.notEqual(percpu.pcpuAlloc(c, 32767, 4096), 0, '32767 rounds to 32768, the largest allowed');
  assert.equal(percpu.stats().warnings, 0);
  percpu.verify();
});
