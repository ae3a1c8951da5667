// The one mm_struct life cycle every strategy runs (kernel/fork.c): mm_alloc
// → mm_init, and mmdrop → __mmdrop with check_mm. Strategies differ only in
// the parameters of MmPlan: which percpu state the mm carries (and how rss is
// counted), where percpu memory comes from, and whether that state is built
// per mm lifetime or once per slab object by the cache's ctor/dtor.
//
// Kept from the kernel: mm_alloc = kmem_cache_alloc + memset (of the whole
// struct, or only up to the ctor marker when a ctor owns the rest) + mm_init;
// mm_init sets the refcounts, allocates the pgd, then mm_alloc_cid and
// percpu_counter_init_many, unwinding in reverse on failure; __mmdrop frees
// the pgd, checks the rss counters, destroys cid and counters and frees the
// struct.
// Deviations: check_mm runs first and throws BadRssCounter instead of
// printing, leaving the mm intact with one reference, so the caller can
// inspect and retry; no maple tree, mmap lock, context, user namespace or
// memcg's own state. An mm with a slab ctor (destructor RFC) gets only
// mm_init_cid and a memcg charge on reuse (uncharged at __mmdrop): its
// counters are zero because check_mm demanded it at the last drop.
import type { Cpu, Kernel, KernelMemory } from '@percpu-lab/machine';
import { KmemCache, readSlabStats } from '@percpu-lab/slab';
import { BadRssCounter } from './errors.js';
import { initListHead } from './list.js';
import { MmCids } from './mm-cid.js';
import type { MmPercpuState } from './mm-percpu-state.js';
import { MmStruct, NR_MM_COUNTERS, RESIDENT_PAGE_TYPES } from './mm-struct.js';
import type { PercpuFront } from './percpu-front.js';
import type { Pgds } from './pgd.js';
import type { MmOps } from './strategy.js';

/** When an mm's percpu state is built: per mm lifetime, or per slab object (ctor/dtor). */
export type PercpuLifetime = 'mm' | 'object';

export interface MmPlan {
  readonly cache: KmemCache;
  readonly lifetime: PercpuLifetime;
  readonly front: PercpuFront;
  readonly state: MmPercpuState;
  readonly cids: MmCids;
  readonly pgds: Pgds;
}

export class MmPath implements MmOps {
  private readonly m: KernelMemory;
  private readonly i32: Int32Array;
  /** Bytes mm_alloc clears: the whole object, or up to the ctor marker. */
  private readonly clearBytes: number;
  private readonly nrPossible: number;

  constructor(
    private readonly kernel: Kernel,
    private readonly plan: MmPlan,
  ) {
    this.m = kernel.mem;
    this.i32 = kernel.mem.i32;
    this.clearBytes = plan.lifetime === 'object' ? MmStruct.ctorMarker.offset : plan.cache.objectSize;
    this.nrPossible = kernel.nrCpus;
  }

  mmAlloc(cpu: Cpu): number {
    const mm = this.plan.cache.kmemCacheAlloc(cpu);
    if (mm === 0) return 0;
    this.m.zero(mm, this.clearBytes);
    cpu.cost('zeroByte', this.clearBytes);
    if (this.mmInit(cpu, mm)) return mm;
    this.plan.cache.kmemCacheFree(cpu, mm);
    return 0;
  }

  mmdrop(cpu: Cpu, mm: number): void {
    cpu.cost('atomic', 1);
    if (Atomics.sub(this.i32, MmStruct.mmCount.index(mm), 1) === 1) this.mmdropFinal(cpu, mm);
  }

  addMmCounter(cpu: Cpu, mm: number, member: number, value: number): void {
    this.plan.state.addRss(cpu, mm, member, value);
  }

  getMmCounterSum(cpu: Cpu, mm: number, member: number): number {
    return this.plan.state.sumRss(cpu, mm, member);
  }

  mmInitCid(cpu: Cpu, mm: number): void {
    this.plan.cids.mmInitCid(cpu, mm);
  }

  mmCidGet(cpu: Cpu, mm: number): number {
    return this.plan.cids.mmCidGet(cpu, mm);
  }

  mmCidPut(cpu: Cpu, mm: number): void {
    this.plan.cids.mmCidPut(cpu, mm);
  }

  mmAddThread(cpu: Cpu, mm: number): void {
    cpu.cost('atomic', 1);
    const users = Atomics.add(this.i32, MmStruct.mmUsers.index(mm), 1) + 1;
    this.plan.state.addThread(cpu, mm, users);
  }

  parkedPercpuBytes(): number {
    let bytes = this.plan.front.parkedBytes();
    if (this.plan.lifetime === 'object') {
      // Every object of every slab was constructed; the free ones hold percpu memory for nobody.
      const s = readSlabStats(this.kernel, this.plan.cache.name);
      bytes += (s.total_objects - s.objects) * this.plan.state.unitBytes * this.nrPossible;
    }
    return bytes;
  }

  drainCaches(cpu: Cpu): void {
    this.plan.cache.kmemCacheShrink(cpu);
    this.plan.front.drainCpu(cpu);
  }

  /** mm_init(): false with everything undone if any step fails. */
  private mmInit(cpu: Cpu, mm: number): boolean {
    MmStruct.mmUsers.store(this.m, mm, 1);
    MmStruct.mmCount.store(this.m, mm, 1);
    initListHead(this.m, MmStruct.mmap.addr(mm));
    cpu.cost('objectInit', 1);
    if (!this.plan.pgds.mmAllocPgd(cpu, mm)) return false;
    if (this.plan.lifetime === 'object') {
      this.plan.cids.mmInitCid(cpu, mm);
      // The constructed counters' memory is charged to the new owner's memcg.
      cpu.cost('memcgCharge', 1);
      return true;
    }
    if (this.plan.state.create(cpu, mm)) return true;
    this.plan.pgds.mmFreePgd(cpu, mm);
    return false;
  }

  /** __mmdrop(). */
  private mmdropFinal(cpu: Cpu, mm: number): void {
    this.checkMm(cpu, mm);
    this.plan.pgds.mmFreePgd(cpu, mm);
    if (this.plan.lifetime === 'mm') this.plan.state.destroy(cpu, mm);
    else cpu.cost('memcgUncharge', 1);
    this.plan.cache.kmemCacheFree(cpu, mm);
  }

  /** check_mm(): every rss counter must sum to zero. */
  private checkMm(cpu: Cpu, mm: number): void {
    let bad: [string, number][] | undefined;
    for (let i = 0; i < NR_MM_COUNTERS; i++) {
      const x = this.plan.state.sumRss(cpu, mm, i);
      if (x !== 0) (bad ??= []).push([RESIDENT_PAGE_TYPES[i]!, x]);
    }
    if (bad === undefined) return;
    MmStruct.mmCount.store(this.m, mm, 1);
    throw new BadRssCounter(mm, bad);
  }
}
