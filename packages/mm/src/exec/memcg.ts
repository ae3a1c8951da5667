// Charging user folios to the memory cgroup every doexec process runs in
// (mm/memcontrol.c try_charge_memcg / consume_stock / refill_stock,
// mem_cgroup_uncharge_folios → uncharge_batch, mm/page_counter.c).
//
// Kept: a folio charge is taken from this CPU's stock of pre-charged pages;
// when the stock runs dry it is refilled with MEMCG_CHARGE_BATCH (64) pages
// by page_counter_try_charge, one atomic add on the usage of the memcg and
// of every ancestor up to the root — lines every CPU of the cgroup writes.
// Freed user folios bypass the stock: each folios_put_refs chunk that freed
// any ends in one uncharge_batch, a page_counter_uncharge up the same
// hierarchy.
// Left out: limits, protection and events (no limit is set), the stock's
// memcg switch (one memcg), kernel-memory (objcg) charges, which the
// profile prices with their allocations.
// The hierarchy: a login session's scope under user-UID.slice under
// user.slice, under the root: four page counters.
import { CACHE_LINE, struct, type Cpu, type Kernel, type KernelMemory } from '@percpu-lab/machine';

/** MEMCG_CHARGE_BATCH: pages a stock refill charges at once. */
export const MEMCG_CHARGE_BATCH = 64;
/** Page counters from the session's memcg to the root. */
export const MEMCG_DEPTH = 4;

/** One page_counter's usage, on a line of its own. */
const PageCounter = struct('page_counter', { usage: 'i32', pad: { bytes: CACHE_LINE - 4 } });
/** memcg_stock_pcp of one CPU. */
const MemcgStock = struct('memcg_stock_pcp', { nrPages: 'i32', pad: { bytes: CACHE_LINE - 4 } });

export function memcgBoot(kernel: Kernel): void {
  if (kernel.hasSymbol('memcg_page_counters')) return;
  kernel.defineSymbol('memcg_page_counters', kernel.memblockAlloc(PageCounter.size * MEMCG_DEPTH, CACHE_LINE));
  kernel.defineSymbol('memcg_stock', kernel.memblockAlloc(MemcgStock.size * kernel.nrCpus, CACHE_LINE));
}

export function memcgBootBytes(nrCpus: number): number {
  return PageCounter.size * MEMCG_DEPTH + MemcgStock.size * nrCpus + 2 * CACHE_LINE;
}

export class MemcgCharge {
  private readonly m: KernelMemory;
  private readonly counters: number;
  private readonly stock: number;

  constructor(kernel: Kernel) {
    this.m = kernel.mem;
    this.counters = kernel.symbol('memcg_page_counters');
    this.stock = kernel.symbol('memcg_stock');
  }

  /** try_charge_memcg() of one folio: from this CPU's stock, refilled by a batch when dry. */
  chargeFolio(cpu: Cpu): void {
    const s = this.stock + cpu.id * MemcgStock.size;
    let nr = MemcgStock.nrPages.get(this.m, s);
    if (nr === 0) {
      this.pageCounters(cpu, MEMCG_CHARGE_BATCH);
      nr = MEMCG_CHARGE_BATCH;
    }
    MemcgStock.nrPages.set(this.m, s, nr - 1);
  }

  /** uncharge_batch() of `folios` freed folios: straight to the page counters. */
  unchargeFolios(cpu: Cpu, folios: number): void {
    if (folios > 0) this.pageCounters(cpu, -folios);
  }

  /** Current usage of the session's memcg, in pages (for checks). */
  get usage(): number {
    return Atomics.load(this.m.i32, PageCounter.usage.index(this.counters));
  }

  /** page_counter_try_charge / page_counter_uncharge: one atomic add per level, leaf to root. */
  private pageCounters(cpu: Cpu, pages: number): void {
    for (let level = 0; level < MEMCG_DEPTH; level++) {
      const c = this.counters + level * PageCounter.size;
      Atomics.add(this.m.i32, PageCounter.usage.index(c), pages);
      cpu.cost('atomic', 1);
      cpu.touchShared(c, 4);
    }
  }
}
