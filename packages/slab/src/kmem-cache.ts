// SLUB's allocation and free paths (mm/slub.c) for one cache, as one CPU
// uses it.
//
// Kept from the kernel:
//  - each CPU allocates from its own frozen slab through kmem_cache_cpu's
//    freelist; alloc and free of an object of that slab (the fast paths) are
//    plain loads and stores on memory only this CPU writes: no lock, no atomic;
//  - a free of any other object (__slab_free) pushes it on its slab's own
//    freelist with one CAS of freelist+counters; list_lock is taken only when
//    the slab must move: it was full (goes on the partial list) or became
//    empty (discarded when the node already keeps min_partial partial slabs);
//  - the slow path (___slab_alloc) first takes the objects other CPUs freed
//    into the active slab (get_freelist), then a slab from the node partial
//    list, then builds a new slab of 2^order pages;
//  - deactivate_slab splices the CPU freelist back and puts the slab where it
//    belongs; kmem_cache_shrink discards the empty partial slabs;
//  - with the revived destructor RFC: building a slab runs the ctor on every
//    object, a failed ctor undoes the objects before it with the dtor and the
//    allocation returns 0; discarding a slab runs the dtor on every object
//    exactly once, in atomic context, then frees the pages.
// Left out: per-CPU partial lists (CONFIG_SLUB_CPU_PARTIAL) and sheaves,
// NUMA nodes, debugging and poisoning, freelist randomisation and hardening,
// memcg accounting, kmalloc, RCU-delayed frees, the transaction id (a model
// CPU is never preempted inside the allocator). kmemCacheShrink flushes only
// the calling CPU's slab (the kernel flushes every CPU through per-CPU work).
//
// Locks: &n->list_lock (spinlock) protects the partial list, nr_partial and
// each slab's onPartial flag. The slab's freelist+counters word is changed
// only by CAS. kmem_cache_cpu is touched only by its own CPU. ctors run with
// no slab lock held (they may sleep); dtors run with no slab lock held and in
// atomic context (AtomicContext.SlabDestructor).
import {
  atomicEnter,
  atomicExit,
  AtomicContext,
  PAGE_SIZE,
  PageAllocator,
  Zone,
  type Cpu,
  type Kernel,
  type KernelMemory,
  type Lock,
} from '@percpu-lab/machine';
import { BadSlabFree, SlabCorrupted } from './errors.js';
import {
  KmemCacheCpu,
  KmemCacheDesc,
  KmemCacheNode,
  packFreelist,
  SlabDesc,
  Stat,
  wordFreeIdx,
  wordFrozen,
  wordInuse,
} from './layout.js';
import { addPartial, removePartial } from './partial-list.js';
import { notBound, slabFns, type SlabFns } from './slab-fn.js';
import { cacheAddr, readSlabStats, type SlabStats } from './stats.js';

/** Index deltas into a kmem_cache_cpu block, taken from its declaration. */
const CPU_FREELIST = KmemCacheCpu.freelist.offset >> 2;
const CPU_SLAB = KmemCacheCpu.slab.offset >> 2;
const CPU_STAT = KmemCacheCpu.stat.offset >> 3;
const SLAB_WORD = SlabDesc.freelistCounters.offset >> 2;

export class KmemCache {
  /** Address of struct kmem_cache. */
  readonly addr: number;
  readonly objectSize: number;
  /** Stride of one object in its slab. */
  readonly size: number;
  readonly order: number;
  readonly objectsPerSlab: number;
  readonly minPartial: number;
  private readonly m: KernelMemory;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly offset: number;
  private readonly objStart: number;
  private readonly ctorId: number;
  private readonly dtorId: number;
  private readonly cpuSlab: number;
  private readonly cpuSize: number;
  private readonly node: number;
  private readonly zoneStart: number;
  private readonly slabMask: number;
  private readonly listLock: Lock;
  private readonly pages: PageAllocator;
  private readonly fns: SlabFns;

  /** Attach to a cache created at boot; the engine must have called setLockOps(). */
  constructor(
    private readonly kernel: Kernel,
    readonly name: string,
  ) {
    const m = (this.m = kernel.mem);
    const s = (this.addr = cacheAddr(kernel, name));
    this.i32 = m.i32;
    this.f64 = m.f64;
    this.objectSize = KmemCacheDesc.objectSize.get(m, s);
    this.size = KmemCacheDesc.slabSize.get(m, s);
    this.order = KmemCacheDesc.order.get(m, s);
    this.objectsPerSlab = KmemCacheDesc.objects.get(m, s);
    this.minPartial = KmemCacheDesc.minPartial.get(m, s);
    this.offset = KmemCacheDesc.offset.get(m, s);
    this.objStart = KmemCacheDesc.objStart.get(m, s);
    this.ctorId = KmemCacheDesc.ctorId.get(m, s);
    this.dtorId = KmemCacheDesc.dtorId.get(m, s);
    this.cpuSlab = KmemCacheDesc.cpuSlab.get(m, s);
    this.cpuSize = KmemCacheCpu.size;
    this.node = KmemCacheDesc.node.get(m, s);
    this.zoneStart = Zone.startAddr.get(m, kernel.symbol('zone'));
    this.slabMask = ~((PAGE_SIZE << this.order) - 1);
    this.listLock = kernel.lockAt(KmemCacheNode.listLock.addr(this.node));
    this.pages = new PageAllocator(kernel);
    this.fns = slabFns(kernel);
  }

  /** kmem_cache_alloc(): an object, or 0 when no slab can be built. */
  kmemCacheAlloc(cpu: Cpu): number {
    const c = this.cpuSlab + cpu.id * this.cpuSize;
    const i32 = this.i32;
    const obj = i32[(c >> 2) + CPU_FREELIST]!;
    if (obj === 0) return this.slabAlloc(cpu, c);
    i32[(c >> 2) + CPU_FREELIST] = i32[(obj + this.offset) >> 2]!;
    this.f64[(c >> 3) + CPU_STAT + Stat.AllocFastpath]! += 1;
    return obj;
  }

  /** kmem_cache_free(). */
  kmemCacheFree(cpu: Cpu, obj: number): void {
    const c = this.cpuSlab + cpu.id * this.cpuSize;
    const i32 = this.i32;
    // virt_to_slab(): slabs are naturally aligned buddy blocks.
    const slab = this.zoneStart + ((obj - this.zoneStart) & this.slabMask);
    if (slab === i32[(c >> 2) + CPU_SLAB] && obj !== 0) {
      const head = i32[(c >> 2) + CPU_FREELIST]!;
      if (head === obj) throw this.doubleFree(obj);
      i32[(obj + this.offset) >> 2] = head;
      i32[(c >> 2) + CPU_FREELIST] = obj;
      this.f64[(c >> 3) + CPU_STAT + Stat.FreeFastpath]! += 1;
      return;
    }
    this.slabFree(cpu, c, slab, obj);
  }

  /** kmem_cache_shrink(): flush this CPU's slab, discard every empty partial slab; returns how many. */
  kmemCacheShrink(cpu: Cpu): number {
    this.flushCpuSlab(cpu);
    const m = this.m;
    const empty: number[] = [];
    this.listLock.lock(cpu);
    for (let slab = KmemCacheNode.partialHead.get(m, this.node); slab !== 0; ) {
      const next = SlabDesc.next.get(m, slab);
      if (wordInuse(Atomics.load(this.i32, (slab >> 2) + SLAB_WORD)) === 0) {
        removePartial(m, this.node, slab);
        empty.push(slab);
      }
      slab = next;
    }
    this.listLock.unlock(cpu);
    for (const slab of empty) this.discardSlab(cpu, this.cpuBlock(cpu), slab);
    return empty.length;
  }

  /** flush_slab(): give this CPU's active slab back to the node. */
  flushCpuSlab(cpu: Cpu): void {
    const c = this.cpuBlock(cpu);
    const slab = KmemCacheCpu.slab.get(this.m, c);
    if (slab === 0) return;
    const freelist = KmemCacheCpu.freelist.get(this.m, c);
    KmemCacheCpu.slab.set(this.m, c, 0);
    KmemCacheCpu.freelist.set(this.m, c, 0);
    this.deactivateSlab(cpu, c, slab, freelist);
    this.stat(c, Stat.CpuslabFlush);
  }

  stats(): SlabStats {
    return readSlabStats(this.kernel, this.name);
  }

  /** Address of object `idx` (1-based, as in the freelist word) of `slab`. */
  private objAddr(slab: number, idx: number): number {
    return idx === 0 ? 0 : slab + this.objStart + (idx - 1) * this.size;
  }

  private getFreepointer(obj: number): number {
    return this.i32[(obj + this.offset) >> 2]!;
  }

  private cpuBlock(cpu: Cpu): number {
    return this.cpuSlab + cpu.id * this.cpuSize;
  }

  private stat(c: number, item: Stat): void {
    this.f64[(c >> 3) + CPU_STAT + item]! += 1;
  }

  private setFreepointer(obj: number, next: number): void {
    this.i32[(obj + this.offset) >> 2] = next;
  }

  private objIdx(slab: number, obj: number): number {
    return (obj - slab - this.objStart) / this.size + 1;
  }

  private wordIdx(slab: number): number {
    return (slab >> 2) + SLAB_WORD;
  }

  /** CAS the freelist+counters word (cmpxchg_double_slab); counts failures. */
  private casWord(cpu: Cpu, c: number, slab: number, old: number, nw: number): boolean {
    cpu.cost('atomic', 1);
    if (Atomics.compareExchange(this.i32, this.wordIdx(slab), old, nw) === old) return true;
    this.stat(c, Stat.CmpxchgDoubleFail);
    return false;
  }

  /** ___slab_alloc(): this CPU's freelist is empty. */
  private slabAlloc(cpu: Cpu, c: number): number {
    const m = this.m;
    this.stat(c, Stat.AllocSlowpath);
    let slab = KmemCacheCpu.slab.get(m, c);
    let freelist = 0;
    if (slab !== 0) {
      freelist = this.takeFreelist(cpu, c, slab, false);
      if (freelist !== 0) this.stat(c, Stat.AllocRefill);
      else {
        // The active slab is full: it leaves the CPU unfrozen and on no list.
        KmemCacheCpu.slab.set(m, c, 0);
        this.stat(c, Stat.DeactivateBypass);
      }
    }
    if (freelist === 0) {
      slab = this.getPartial(cpu);
      if (slab !== 0) {
        freelist = this.takeFreelist(cpu, c, slab, true);
        if (freelist === 0) throw new SlabCorrupted(`${this.name}: slab ${slab} on the partial list had no free object`);
        this.stat(c, Stat.AllocFromPartial);
      } else {
        slab = this.newSlab(cpu, c);
        if (slab === 0) {
          this.stat(c, Stat.AllocFailed);
          return 0;
        }
        this.stat(c, Stat.AllocSlab);
        // Nobody else knows this slab yet: take its whole freelist and freeze it.
        freelist = this.objAddr(slab, 1);
        Atomics.store(this.i32, this.wordIdx(slab), packFreelist(0, this.objectsPerSlab, true));
      }
      KmemCacheCpu.slab.set(m, c, slab);
    }
    KmemCacheCpu.freelist.set(m, c, this.getFreepointer(freelist));
    return freelist;
  }

  /**
   * get_freelist() / freeze_slab(): take the slab's whole freelist for this
   * CPU. With `freeze` the slab is frozen whatever it held (it comes off the
   * partial list); without, it stays frozen only if there was something to
   * take, and an empty take leaves it unfrozen (full, on no list).
   */
  private takeFreelist(cpu: Cpu, c: number, slab: number, freeze: boolean): number {
    for (;;) {
      const old = Atomics.load(this.i32, this.wordIdx(slab));
      const idx = wordFreeIdx(old);
      const nw = packFreelist(0, this.objectsPerSlab, freeze || idx !== 0);
      if (this.casWord(cpu, c, slab, old, nw)) return this.objAddr(slab, idx);
    }
  }

  /** get_partial_node(): unlink the first partial slab, or 0. */
  private getPartial(cpu: Cpu): number {
    const m = this.m;
    // Unlocked peek, as the kernel does, so an empty list costs no lock.
    if (KmemCacheNode.nrPartial.get(m, this.node) === 0) return 0;
    this.listLock.lock(cpu);
    const slab = KmemCacheNode.partialHead.get(m, this.node);
    if (slab !== 0) removePartial(m, this.node, slab);
    this.listLock.unlock(cpu);
    return slab;
  }

  /**
   * allocate_slab(): pages, descriptor, ctor on every object, freelist in
   * address order. A ctor failure undoes the objects constructed so far with
   * the dtor, frees the pages and returns 0.
   */
  private newSlab(cpu: Cpu, c: number): number {
    const m = this.m;
    const slab = this.pages.allocPages(cpu, this.order);
    if (slab === 0) return 0;
    SlabDesc.cache.set(m, slab, this.addr);
    SlabDesc.next.set(m, slab, 0);
    SlabDesc.prev.set(m, slab, 0);
    SlabDesc.onPartial.set(m, slab, 0);
    const ctor = this.ctorId === 0 ? undefined : this.fns.ctors[this.ctorId];
    if (this.ctorId !== 0 && ctor === undefined) throw notBound('ctor', this.name);
    const first = slab + this.objStart;
    const n = this.objectsPerSlab;
    for (let i = 0; i < n; i++) {
      const obj = first + i * this.size;
      if (ctor !== undefined) {
        this.stat(c, Stat.CtorCalls);
        if (!ctor(cpu, obj)) {
          this.stat(c, Stat.CtorFailed);
          this.runDtors(cpu, c, slab, i);
          SlabDesc.cache.set(m, slab, 0);
          this.pages.freePages(cpu, slab, this.order);
          return 0;
        }
      }
      this.setFreepointer(obj, i + 1 < n ? obj + this.size : 0);
    }
    Atomics.store(this.i32, this.wordIdx(slab), packFreelist(1, 0, false));
    Atomics.add(this.i32, KmemCacheNode.nrSlabs.index(this.node), 1);
    Atomics.add(this.i32, KmemCacheNode.totalObjects.index(this.node), n);
    return slab;
  }

  /** Run the dtor on the first `count` objects of `slab`, in atomic context. */
  private runDtors(cpu: Cpu, c: number, slab: number, count: number): void {
    if (this.dtorId === 0) return;
    const dtor = this.fns.dtors[this.dtorId];
    if (dtor === undefined) throw notBound('dtor', this.name);
    const first = slab + this.objStart;
    atomicEnter(cpu, AtomicContext.SlabDestructor);
    try {
      for (let i = 0; i < count; i++) {
        this.stat(c, Stat.DtorCalls);
        dtor(cpu, first + i * this.size);
      }
    } finally {
      atomicExit(cpu);
    }
  }

  /** discard_slab(): the slab is empty and on no list; dtor every object, free the pages. */
  private discardSlab(cpu: Cpu, c: number, slab: number): void {
    Atomics.sub(this.i32, KmemCacheNode.nrSlabs.index(this.node), 1);
    Atomics.sub(this.i32, KmemCacheNode.totalObjects.index(this.node), this.objectsPerSlab);
    this.runDtors(cpu, c, slab, this.objectsPerSlab);
    SlabDesc.cache.set(this.m, slab, 0);
    this.pages.freePages(cpu, slab, this.order);
    this.stat(c, Stat.FreeSlab);
  }

  /** __slab_free(): `obj` is not in this CPU's active slab. */
  private slabFree(cpu: Cpu, c: number, slab: number, obj: number): void {
    const m = this.m;
    const objIdx = this.checkObject(slab, obj);
    this.stat(c, Stat.FreeSlowpath);
    let locked = false;
    let onPartial = false;
    let prior: number;
    let frozen: boolean;
    let inuse: number;
    for (;;) {
      if (locked) {
        this.listLock.unlock(cpu);
        locked = false;
      }
      const old = Atomics.load(this.i32, this.wordIdx(slab));
      prior = wordFreeIdx(old);
      frozen = wordFrozen(old);
      inuse = wordInuse(old) - 1;
      if (prior === objIdx || inuse < 0) throw this.doubleFree(obj);
      this.setFreepointer(obj, this.objAddr(slab, prior));
      if ((inuse === 0 || prior === 0) && !frozen) {
        // The slab may have to change lists: take list_lock before the CAS
        // so the list agrees with the counters once the CAS lands.
        this.listLock.lock(cpu);
        locked = true;
        onPartial = SlabDesc.onPartial.get(m, slab) !== 0;
      }
      if (this.casWord(cpu, c, slab, old, packFreelist(objIdx, inuse, frozen))) break;
    }
    if (!locked) {
      if (frozen) this.stat(c, Stat.FreeFrozen);
      return;
    }
    if (prior !== 0 && !onPartial) {
      // Partly free but in flight between a CPU and the list: its owner decides.
      this.listLock.unlock(cpu);
      return;
    }
    if (inuse === 0 && KmemCacheNode.nrPartial.get(m, this.node) >= this.minPartial) {
      if (prior !== 0) {
        removePartial(m, this.node, slab);
        this.stat(c, Stat.FreeRemovePartial);
      }
      this.listLock.unlock(cpu);
      this.discardSlab(cpu, c, slab);
      return;
    }
    if (prior === 0) {
      addPartial(m, this.node, slab, true);
      this.stat(c, Stat.FreeAddPartial);
    }
    this.listLock.unlock(cpu);
  }

  /**
   * deactivate_slab(): splice the CPU's freelist back into the slab and
   * unfreeze it in one CAS, then discard it (empty, node has enough partial
   * slabs), put it on the partial list, or leave it full on no list.
   */
  private deactivateSlab(cpu: Cpu, c: number, slab: number, freelist: number): void {
    const m = this.m;
    let tail = false;
    if (wordFreeIdx(Atomics.load(this.i32, this.wordIdx(slab))) !== 0) {
      this.stat(c, Stat.DeactivateRemoteFrees);
      tail = true;
    }
    let delta = 0;
    let last = 0;
    for (let p = freelist; p !== 0; p = this.getFreepointer(p)) {
      last = p;
      delta++;
    }
    let nw: number;
    for (;;) {
      const old = Atomics.load(this.i32, this.wordIdx(slab));
      let idx = wordFreeIdx(old);
      let inuse = wordInuse(old);
      if (last !== 0) {
        inuse -= delta;
        this.setFreepointer(last, this.objAddr(slab, idx));
        idx = this.objIdx(slab, freelist);
      }
      nw = packFreelist(idx, inuse, false);
      if (this.casWord(cpu, c, slab, old, nw)) break;
    }
    if (wordInuse(nw) === 0 && KmemCacheNode.nrPartial.get(m, this.node) >= this.minPartial) {
      this.stat(c, Stat.DeactivateEmpty);
      this.discardSlab(cpu, c, slab);
    } else if (wordFreeIdx(nw) !== 0) {
      this.listLock.lock(cpu);
      addPartial(m, this.node, slab, tail);
      this.listLock.unlock(cpu);
      this.stat(c, tail ? Stat.DeactivateToTail : Stat.DeactivateToHead);
    } else {
      this.stat(c, Stat.DeactivateFull);
    }
  }

  /** Object index of `obj` in `slab`, or BadSlabFree if it is not one of ours. */
  private checkObject(slab: number, obj: number): number {
    if (obj <= 0 || obj >= this.m.size || SlabDesc.cache.get(this.m, slab) !== this.addr) {
      throw new BadSlabFree(`kmem_cache_free(${this.name}, ${obj}): not an object of this cache; free it to the cache it came from`);
    }
    const idx = this.objIdx(slab, obj);
    if (!Number.isInteger(idx) || idx < 1 || idx > this.objectsPerSlab) {
      throw new BadSlabFree(`kmem_cache_free(${this.name}, ${obj}): address is inside a slab but not at an object's start`);
    }
    return idx;
  }

  private doubleFree(obj: number): BadSlabFree {
    return new BadSlabFree(`kmem_cache_free(${this.name}, ${obj}): double free; each object may be freed once per allocation`);
  }
}
