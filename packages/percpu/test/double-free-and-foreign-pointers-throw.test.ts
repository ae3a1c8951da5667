// Caller bugs are named errors that name the pointer: freeing twice, a
// pointer into the middle of an area, a pointer no chunk owns. The
// allocator is left intact (verify passes) and NULL is ignored like
// free_percpu(NULL).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootPercpu } from './helpers.js';
import { PcpuBadPointerError, PcpuDoubleFreeError } from '../src/errors.js';

test('double frees, interior and foreign pointers throw named errors naming the pointer', () => {
  const { percpu, cpu } = bootPercpu({ nrCpus: 2 });
  const c = cpu(0);
  const a = percpu.pcpuAlloc(c, 64, 8);
  const b = percpu.pcpuAlloc(c, 64, 8);
  percpu.freePercpu(c, a);
  assert.throws(() => percpu.freePercpu(c, a), (e: Error) => e instanceof PcpuDoubleFreeError && e.message.includes(`0x${a.toString(16)}`));
  assert.throws(() => percpu.freePercpu(c, b + 8), PcpuBadPointerError);
  assert.throws(() => percpu.freePercpu(c, 4000 * percpu.ctx.vaSpan), PcpuBadPointerError);
  assert.throws(() => percpu.freePercpu(c, -5), PcpuBadPointerError);
  assert.throws(() => percpu.freePercpu(c, b + 2), PcpuBadPointerError, 'not a multiple of 4');
  assert.throws(() => percpu.perCpuPtr(b, 7), PcpuBadPointerError, 'CPU 7 is not possible');
  assert.throws(() => percpu.perCpuPtr(4000 * percpu.ctx.vaSpan, 0), PcpuBadPointerError);
  percpu.freePercpu(c, 0);
  percpu.verify();
  percpu.freePercpu(c, b);
  assert.equal(percpu.stats().nrCurAlloc, 0);
});
