// pcpu_alloc zeroes a new area in every unit. mm_init_cid then writes every
// byte of every CPU's struct mm_cid, so the zeroing of an mm_cid area is never
// read: where work is only priced (Cpu.pricesWork, the virtual engine), its
// stores are left out — a reused area still holds the old bytes after
// pcpu_alloc — and nothing of them survives mm_init_cid. The rss counters'
// area is read back (percpu_counter_sum), so it is zeroed on every engine,
// and a CPU that times real work (the threads engine) zeroes both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RealCpu, type Kernel } from '@percpu-lab/machine';
import { MM_CID_UNSET, MmCid, MmStruct, NR_MM_COUNTERS, PercpuCounter, rssCounterAddr } from '../src/index.js';
import { bootMm } from './helpers.js';

/** A CPU of a pricing engine, as far as the model can tell. */
class PricingCpu extends RealCpu {
  override readonly pricesWork = true;
}

const POISON = 0x5a5a5a5a;

/** Every 32-bit word of [ptr, ptr + bytes) in every unit. */
function words(m: ReturnType<typeof bootMm>, ptr: number, bytes: number): number[] {
  const out: number[] = [];
  for (let c = 0; c < m.kernel.nrCpus; c++) for (let o = 0; o < bytes; o += 4) out.push(m.kernel.mem.i32[m.percpu.perCpuPtr(ptr + o, c) >> 2]!);
  return out;
}

function poison(m: ReturnType<typeof bootMm>, ptr: number, bytes: number): void {
  for (let c = 0; c < m.kernel.nrCpus; c++) for (let o = 0; o < bytes; o += 4) m.kernel.mem.i32[m.percpu.perCpuPtr(ptr + o, c) >> 2] = POISON;
}

function pricing(kernel: Kernel, id: number): PricingCpu {
  return new PricingCpu(kernel, id, 1, 1);
}

test('an area the caller overwrites keeps its old bytes through pcpu_alloc only where work is priced', () => {
  const m = bootMm({ nrCpus: 4, strategies: ['baseline'] });
  const real = m.cpus[0]!;
  const priced = pricing(m.kernel, 0);
  for (const [cpu, overwritten, zeroed] of [[priced, true, false], [priced, false, true], [real, true, true], [real, false, true]] as const) {
    const first = m.percpu.pcpuAlloc(cpu, MmCid.size, MmCid.align);
    poison(m, first, MmCid.size);
    m.percpu.freePercpu(cpu, first);
    const again = m.percpu.pcpuAlloc(cpu, MmCid.size, MmCid.align, false, undefined, overwritten);
    assert.equal(again, first, 'the freed area is the one handed out again');
    const expected = zeroed ? 0 : POISON;
    assert.deepEqual(words(m, again, MmCid.size), words(m, again, MmCid.size).map(() => expected),
      `${cpu.pricesWork ? 'pricing' : 'real'} CPU, overwritten ${overwritten}: ${zeroed ? 'zeroed' : 'left as it was'}`);
    m.percpu.freePercpu(cpu, again);
  }
});

for (const strategy of ['baseline', 'lazy-rss', 'pcpu-cache']) {
  test(`${strategy}: nothing of an unzeroed mm_cid area survives mm_init_cid; the rss counters read zero`, () => {
    const m = bootMm({ nrCpus: 4, strategies: [strategy] });
    const ops = m.ops[strategy]!;
    const cpu = pricing(m.kernel, 1);
    // The first mm's percpu areas, poisoned once it is gone, are what the second mm gets.
    const mm = ops.mmAlloc(cpu);
    const cid = MmStruct.pcpuCid.get(m.kernel.mem, mm);
    const counters = PercpuCounter.counters.get(m.kernel.mem, rssCounterAddr(mm, 0));
    ops.mmdrop(cpu, mm);
    poison(m, cid, MmCid.size);
    if (counters !== 0) poison(m, counters, NR_MM_COUNTERS * 4);
    const next = ops.mmAlloc(cpu);
    const nextCid = MmStruct.pcpuCid.get(m.kernel.mem, next);
    const nextCounters = PercpuCounter.counters.get(m.kernel.mem, rssCounterAddr(next, 0));
    const old = [cid, counters].filter((p) => p !== 0).sort();
    assert.deepEqual([nextCid, nextCounters].filter((p) => p !== 0).sort(), old, 'the second mm got the poisoned areas back');
    const init = [0, 0, MM_CID_UNSET, MM_CID_UNSET]; // time (f64, two words), cid, recent_cid
    assert.deepEqual(words(m, nextCid, MmCid.size), m.cpus.flatMap(() => init), "every byte of every CPU's struct mm_cid is mm_init_cid's");
    if (nextCounters !== 0) {
      assert.deepEqual(words(m, nextCounters, NR_MM_COUNTERS * 4), words(m, nextCounters, NR_MM_COUNTERS * 4).map(() => 0), 'the counters are zeroed');
    }
    for (let i = 0; i < NR_MM_COUNTERS; i++) assert.equal(ops.getMmCounterSum(cpu, next, i), 0);
    ops.mmdrop(cpu, next);
  });
}
