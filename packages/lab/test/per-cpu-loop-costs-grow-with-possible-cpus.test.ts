// A loop over every CPU (Cpu.touchUnits) costs an iteration per CPU plus,
// for each line it pulls in, the price of where that line was: DRAM of the
// unit's node (local or remote socket) when no cache has it, the SMT
// sibling's, another core's or the other socket's cache, or nothing when this
// CPU holds it; the misses of one loop overlap by the profile's lineOverlap.
// Hand-built units and the round profile make every figure exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_SIZE } from '@percpu-lab/machine';
import { PART_LOOPS, PART_TRANSFERS } from '../src/cost-model/index.js';
import { bootVirtual, roundProfile } from './fixtures/virtual-machine.js';

const P = roundProfile();
const ITER = P.percpuLoopIterNs;
const OVERLAP = P.lineOverlap;

/** A machine of `n` possible CPUs, a page per CPU's unit, and the i32 index of the row of those pages. */
function machine(n: number, sockets = 1, threadsPerCore = 1) {
  const vm = bootVirtual({ cpus: n, possible: n, sockets, threadsPerCore });
  const row = vm.pages.allocPages(vm.cpus[0]!, 0) >> 2;
  for (let u = 0; u < n; u++) vm.kernel.mem.i32[row + u] = vm.pages.allocPages(vm.cpus[0]!, 0);
  return { ...vm, row };
}

/** What one loop of `cpu` over every unit (16 bytes at offset 128) costs it. */
function loopCost(m: ReturnType<typeof machine>, cpu: number): number {
  const c = m.cpus[cpu]!;
  const before = c.clock;
  const loops = c.split.parts[PART_LOOPS]!;
  c.touchUnits(m.row, 128, 16, m.cpus.length);
  assert.equal(c.split.parts[PART_LOOPS]! - loops, c.clock - before, 'a loop is booked to the loops part');
  return c.clock - before;
}

test('a first loop reads every line from its unit node\'s DRAM, and grows linearly with possible CPUs', () => {
  for (const n of [4, 8, 16, 64]) {
    assert.equal(loopCost(machine(n), 0), n * ITER + (n * P.dramLocalNs) / OVERLAP, `${n} CPUs, one socket`);
  }
  // Two sockets: the units of the second half are on the other node.
  for (const n of [4, 16, 64]) {
    assert.equal(loopCost(machine(n, 2), 0), n * ITER + ((n / 2) * P.dramLocalNs + (n / 2) * P.dramRemoteNs) / OVERLAP, `${n} CPUs, two sockets`);
  }
});

test('lines held by another CPU cost a transfer priced by where that CPU sits; lines this CPU holds cost only the iteration', () => {
  // 8 CPUs, 2 sockets x 2 cores x 2 threads: CPUs 0-1 socket 0, 2-3 socket 1, 4-7 their siblings (CPU 4 is CPU 0's).
  const m = machine(8, 2, 2);
  loopCost(m, 4);
  assert.equal(loopCost(m, 0), 8 * ITER + (8 * P.lineTransferSmtNs) / OVERLAP, 'from the SMT sibling');
  assert.equal(loopCost(m, 0), 8 * ITER, 'now held by this CPU');
  assert.equal(loopCost(m, 1), 8 * ITER + (8 * P.lineTransferSameSocketNs) / OVERLAP, 'from another core of the socket');
  assert.equal(loopCost(m, 2), 8 * ITER + (8 * P.lineTransferCrossSocketNs) / OVERLAP, 'from the other socket');
});

test('a CPU\'s own slot taken back from another CPU costs a whole transfer, not overlapped', () => {
  const m = machine(4, 2);
  const slot = m.kernel.mem.i32[m.row + 3]! + 128;
  loopCost(m, 0);
  const c3 = m.cpus[3]!;
  const before = c3.clock;
  c3.touchOwn(slot, 4);
  assert.equal(c3.clock - before, P.lineTransferCrossSocketNs);
  assert.equal(c3.split.parts[PART_TRANSFERS], P.lineTransferCrossSocketNs);
  c3.touchOwn(slot, 4);
  assert.equal(c3.clock - before, P.lineTransferCrossSocketNs, 'then it is a hit');
});

test('an area that spans two lines costs both', () => {
  const m = machine(4);
  const c = m.cpus[0]!;
  const before = c.clock;
  c.touchUnits(m.row, PAGE_SIZE - 96, 64 + 8, 4);
  assert.equal(c.clock - before, 4 * ITER + (8 * P.dramLocalNs) / OVERLAP);
});
