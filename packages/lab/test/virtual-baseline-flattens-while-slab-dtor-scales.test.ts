// Real mm lifetimes on the virtual engine with the kernel profile and the
// doexec work it derives: baseline's throughput can never beat what pcpu_alloc_mutex
// lets through (1 / (acquisitions per lifetime x mean hold)) and its curve
// flattens, while slab-dtor, which keeps the percpu allocations in its
// cached objects, scales further until the next global lock of the exec
// path, pgd_lock, holds it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runVirtual } from '../src/engine/virtual/index.js';
import { bootVirtualMm, kernelWorkNs, lifetimeProgram } from './fixtures/virtual-mm.js';
import { statOf } from './fixtures/virtual-machine.js';

const WORK_NS = await kernelWorkNs();
const CPUS = [1, 16, 64, 128];

function point(strategy: string, n: number) {
  const { kernel, cpus, mm, percpu } = bootVirtualMm(strategy, n);
  const r = runVirtual({ kernel, cpus, programs: cpus.map((c) => lifetimeProgram(c, mm, WORK_NS)), opsPerCpu: 40, warmupOps: 10 });
  percpu.verify();
  const bound = (name: string) => {
    const nsPerLifetime = statOf(r.locks, name).holdTotalNs / r.totalOps;
    return nsPerLifetime > 0 ? 1e9 / nsPerLifetime : Infinity;
  };
  return { n, opsPerSec: r.opsPerSec, bound: bound('pcpu_alloc_mutex'), pgdBound: bound('pgd_lock'), mutexAcq: statOf(r.locks, 'pcpu_alloc_mutex').acquisitions };
}

test('baseline never beats the pcpu_alloc_mutex bound, and its curve flattens', () => {
  const curve = CPUS.map((n) => point('baseline', n));
  for (const p of curve) assert.ok(p.opsPerSec <= p.bound, `${p.n} CPUs: ${p.opsPerSec} lifetimes/s exceeds the mutex bound ${p.bound}`);
  const [one, , c64, c128] = curve as [typeof curve[0], typeof curve[0], typeof curve[0], typeof curve[0]];
  assert.ok(c128.opsPerSec < 1.15 * c64.opsPerSec, `doubling 64 -> 128 CPUs should gain little: ${c64.opsPerSec} -> ${c128.opsPerSec}`);
  assert.ok(c128.opsPerSec / (128 * one.opsPerSec) < 0.7, 'per-CPU efficiency at 128 CPUs must have collapsed');
});

test('slab-dtor takes no pcpu_alloc_mutex in steady state, outruns baseline once the mutex saturates, and meets pgd_lock next', () => {
  const base = CPUS.map((n) => point('baseline', n));
  const dtor = CPUS.map((n) => point('slab-dtor', n));
  for (const [i, p] of dtor.entries()) {
    assert.equal(p.mutexAcq, 0);
    // Every lifetime takes pgd_lock twice (pgd_alloc, pgd_free): its hold time bounds the rate here.
    assert.ok(p.opsPerSec <= p.pgdBound, `${p.n} CPUs: ${p.opsPerSec} lifetimes/s exceeds the pgd_lock bound ${p.pgdBound}`);
    if (p.n >= 16) assert.ok(p.opsPerSec > 1.2 * base[i]!.opsPerSec, `${p.n} CPUs: slab-dtor ${p.opsPerSec} vs baseline ${base[i]!.opsPerSec}`);
  }
  assert.ok(dtor[1]!.opsPerSec >= 0.9 * 16 * dtor[0]!.opsPerSec, 'slab-dtor is still near linear at 16 CPUs');
});

test('baseline mm lifetimes run on 1024 CPUs and leave the allocators consistent', () => {
  const { kernel, cpus, mm, percpu } = bootVirtualMm('baseline', 1024, { memBytes: 512 * 1024 * 1024 });
  const r = runVirtual({ kernel, cpus, programs: cpus.map((c) => lifetimeProgram(c, mm, WORK_NS)), opsPerCpu: 2, warmupOps: 1 });
  assert.equal(r.totalOps, 2048);
  assert.equal(percpu.stats().nrPossible, 1024);
  percpu.verify();
  assert.ok(statOf(r.locks, 'pcpu_alloc_mutex').contentions > 0);
});
