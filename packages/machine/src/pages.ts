// The page-frame allocator (mm/page_alloc.c, reduced to one zone): a buddy
// allocator under zone->lock, with per-CPU page lists (pcp) in front of it
// for single pages, refilled from and drained to the zone in batches.
//
// Kept from the kernel: buddy free lists per order up to MAX_PAGE_ORDER with
// merging on free; pcp lists with batch and high marks, each under its own
// pcp->lock so that a CPU can drain another's list when memory runs out
// (drain_all_pages); failure returns NULL (0) and is counted, never thrown.
// Left out: migrate types, watermarks and reclaim, NUMA nodes, compaction.
//
// Locks: zone->lock protects the buddy lists and every page's buddy state;
// pcp->lock protects one CPU's list and its count.
import { MachineError } from './errors.js';
import { PAGE_SHIFT, PAGE_SIZE, type Cpu, type Kernel, type Lock } from './kernel.js';
import { lockInit } from './lock-init.js';
import { LockKind, LockWord } from './lock.js';
import { struct, CACHE_LINE } from './struct.js';
import type { KernelMemory } from './memory.js';
import { cpuToNode } from './topology.js';

export const MAX_PAGE_ORDER = 10;
/** Pages moved between a pcp list and the zone at once (typical zone_batchsize). */
export const PCP_BATCH = 63;
/** A pcp list above this many pages is drained by one batch. */
export const PCP_HIGH = 6 * PCP_BATCH;

const NIL = -1;

/** struct page, reduced to what the buddy allocator and pcp lists need. */
export const Page = struct('page', {
  flags: 'i32',
  /** Buddy order while PG_buddy; allocation order while allocated head. */
  order: 'i32',
  next: 'i32',
  prev: 'i32',
});

const PG_BUDDY = 1;
const PG_PCP = 2;
const PG_HEAD = 4;
/**
 * PG_lru: the allocated page is on an LRU list, linked through page->lru
 * (`next`/`prev`, which the buddy and pcp lists use only while the page is
 * free, as in the kernel). Whoever sets it clears it before the page is
 * freed.
 */
export const PG_LRU = 8;
/** page->flags keeps the page's node above this bit (page_to_nid): pages are allocated on the allocating CPU's node. */
const NODE_SHIFT = 16;
const PG_MASK = (1 << NODE_SHIFT) - 1;

/** page_to_nid(): the node of an allocated page, from its struct page. */
export function pageToNid(m: KernelMemory, page: number): number {
  return Page.flags.get(m, page) >>> NODE_SHIFT;
}

export const Zone = struct('zone', {
  lock: { bytes: LockWord.size, align: CACHE_LINE },
  /** Free-list heads (page index) per order. */
  freeHead: { bytes: 4 * (MAX_PAGE_ORDER + 1) },
  freeCount: { bytes: 4 * (MAX_PAGE_ORDER + 1) },
  startAddr: 'i32',
  nrPages: 'i32',
  pageArray: 'i32',
  nrFree: 'i32',
  pad: { bytes: 48, align: CACHE_LINE },
});

/** struct per_cpu_pages plus the vm event counters of that CPU. */
export const Pcp = struct('per_cpu_pages', {
  lock: { bytes: LockWord.size, align: CACHE_LINE },
  count: 'i32',
  head: 'i32',
  pgalloc: 'f64',
  pgfree: 'f64',
  allocFail: 'f64',
  pad: { bytes: CACHE_LINE - 32, align: 8 },
});

export interface PageStats {
  nrPages: number;
  nrFree: number;
  inPcp: number;
  pgalloc: number;
  pgfree: number;
  allocFail: number;
}

/** Boot: hand every page after the boot allocations to the buddy allocator. */
export function pageAllocInit(kernel: Kernel): void {
  const m = kernel.mem;
  const zone = kernel.memblockAlloc(Zone.size, CACHE_LINE);
  kernel.defineSymbol('zone', zone);
  lockInit(kernel, Zone.lock.addr(zone), LockKind.SpinLock, 'zone->lock');
  const pcps = kernel.memblockAlloc(Pcp.size * kernel.nrCpus, CACHE_LINE);
  kernel.defineSymbol('pcp', pcps);
  for (let c = 0; c < kernel.nrCpus; c++) {
    const p = pcps + c * Pcp.size;
    lockInit(kernel, Pcp.lock.addr(p), LockKind.SpinLock, 'pcp->lock');
    Pcp.head.set(m, p, NIL);
  }
  const start = kernel.memblockEnd;
  const nrPages = Math.floor((m.size - start) / PAGE_SIZE);
  const pageArray = kernel.memblockAlloc(Page.size * nrPages, CACHE_LINE);
  Zone.startAddr.set(m, zone, start);
  Zone.nrPages.set(m, zone, nrPages);
  Zone.pageArray.set(m, zone, pageArray);
  for (let o = 0; o <= MAX_PAGE_ORDER; o++) m.i32[(Zone.freeHead.addr(zone) >> 2) + o] = NIL;
  const za = new ZoneAccess(kernel);
  for (let i = 0; i < nrPages; ) {
    let o = MAX_PAGE_ORDER;
    while (o > 0 && (i % (1 << o) !== 0 || i + (1 << o) > nrPages)) o--;
    za.addFree(i, o);
    i += 1 << o;
  }
}

/** Raw buddy-list operations; every caller holds zone->lock. */
class ZoneAccess {
  readonly zone: number;
  readonly pages: number;
  readonly start: number;
  readonly nrPages: number;
  private readonly heads: number;
  private readonly counts: number;

  constructor(private readonly kernel: Kernel) {
    const m = kernel.mem;
    this.zone = kernel.symbol('zone');
    this.pages = Zone.pageArray.get(m, this.zone);
    this.start = Zone.startAddr.get(m, this.zone);
    this.nrPages = Zone.nrPages.get(m, this.zone);
    this.heads = Zone.freeHead.addr(this.zone) >> 2;
    this.counts = Zone.freeCount.addr(this.zone) >> 2;
  }

  page(idx: number): number {
    return this.pages + idx * Page.size;
  }

  addFree(idx: number, order: number): void {
    const m = this.kernel.mem;
    const p = this.page(idx);
    const head = m.i32[this.heads + order]!;
    Page.flags.set(m, p, PG_BUDDY);
    Page.order.set(m, p, order);
    Page.prev.set(m, p, NIL);
    Page.next.set(m, p, head);
    if (head !== NIL) Page.prev.set(m, this.page(head), idx);
    m.i32[this.heads + order] = idx;
    m.i32[this.counts + order]! += 1;
    Zone.nrFree.set(m, this.zone, Zone.nrFree.get(m, this.zone) + (1 << order));
  }

  delFree(idx: number, order: number): void {
    const m = this.kernel.mem;
    const p = this.page(idx);
    const next = Page.next.get(m, p);
    const prev = Page.prev.get(m, p);
    if (prev === NIL) m.i32[this.heads + order] = next;
    else Page.next.set(m, this.page(prev), next);
    if (next !== NIL) Page.prev.set(m, this.page(next), prev);
    Page.flags.set(m, p, 0);
    m.i32[this.counts + order]! -= 1;
    Zone.nrFree.set(m, this.zone, Zone.nrFree.get(m, this.zone) - (1 << order));
  }

  /** __rmqueue_smallest: take a block of `order`, splitting a larger one. */
  rmqueue(order: number): number {
    const m = this.kernel.mem;
    for (let o = order; o <= MAX_PAGE_ORDER; o++) {
      const idx = m.i32[this.heads + o]!;
      if (idx === NIL) continue;
      this.delFree(idx, o);
      for (let s = o; s > order; s--) this.addFree(idx + (1 << (s - 1)), s - 1);
      return idx;
    }
    return NIL;
  }

  /** __free_one_page: merge with free buddies as far as they go. */
  freeOne(idx: number, order: number): void {
    const m = this.kernel.mem;
    while (order < MAX_PAGE_ORDER) {
      const buddy = idx ^ (1 << order);
      if (buddy + (1 << order) > this.nrPages) break;
      const bp = this.page(buddy);
      if (Page.flags.get(m, bp) !== PG_BUDDY || Page.order.get(m, bp) !== order) break;
      this.delFree(buddy, order);
      idx = Math.min(idx, buddy);
      order++;
    }
    this.addFree(idx, order);
  }
}

/** The page allocator as one CPU uses it. */
export class PageAllocator {
  private readonly za: ZoneAccess;
  private readonly zoneLock: Lock;
  private readonly pcpBase: number;
  private readonly pcpLocks: Lock[] = [];

  constructor(private readonly kernel: Kernel) {
    this.za = new ZoneAccess(kernel);
    this.zoneLock = kernel.lockAt(Zone.lock.addr(this.za.zone));
    this.pcpBase = kernel.symbol('pcp');
  }

  /** alloc_pages(): 2^order contiguous pages, or 0 when memory is exhausted. */
  allocPages(cpu: Cpu, order: number, zero = false): number {
    const idx = order === 0 ? this.rmqueuePcp(cpu) : this.rmqueueBuddy(cpu, order);
    const pcp = this.pcp(cpu.id);
    const m = this.kernel.mem;
    if (idx === NIL) {
      Pcp.allocFail.set(m, pcp, Pcp.allocFail.get(m, pcp) + 1);
      return 0;
    }
    const p = this.za.page(idx);
    Page.flags.set(m, p, PG_HEAD | (cpuToNode(this.kernel, cpu.id) << NODE_SHIFT));
    Page.order.set(m, p, order);
    Pcp.pgalloc.set(m, pcp, Pcp.pgalloc.get(m, pcp) + (1 << order));
    const addr = this.za.start + idx * PAGE_SIZE;
    cpu.cost('pageAlloc', 1);
    if (zero) {
      m.zero(addr, PAGE_SIZE << order);
      cpu.cost('zeroByte', PAGE_SIZE << order);
    }
    return addr;
  }

  /** __free_pages(): `addr` must be what allocPages returned for this order. */
  freePages(cpu: Cpu, addr: number, order: number): void {
    const m = this.kernel.mem;
    const idx = this.pageIndex(addr);
    const p = this.za.page(idx);
    if ((Page.flags.get(m, p) & PG_MASK) !== PG_HEAD || Page.order.get(m, p) !== order) {
      throw new MachineError(`free of page ${addr.toString(16)} (order ${order}) that is not an allocated block of that order`);
    }
    Page.flags.set(m, p, 0);
    cpu.cost('pageFree', 1);
    const pcp = this.pcp(cpu.id);
    Pcp.pgfree.set(m, pcp, Pcp.pgfree.get(m, pcp) + (1 << order));
    if (order === 0) this.freePcp(cpu, idx);
    else {
      this.zoneLock.lock(cpu);
      this.za.freeOne(idx, order);
      this.zoneLock.unlock(cpu);
    }
  }

  /** drain_all_pages(): return every CPU's pcp pages to the zone. */
  drainAllPages(cpu: Cpu): void {
    for (let c = 0; c < this.kernel.nrCpus; c++) this.drain(cpu, c, Infinity);
  }

  stats(): PageStats {
    const m = this.kernel.mem;
    const s: PageStats = { nrPages: this.za.nrPages, nrFree: Zone.nrFree.load(m, this.za.zone), inPcp: 0, pgalloc: 0, pgfree: 0, allocFail: 0 };
    for (let c = 0; c < this.kernel.nrCpus; c++) {
      const p = this.pcp(c);
      s.inPcp += Pcp.count.load(m, p);
      s.pgalloc += Pcp.pgalloc.get(m, p);
      s.pgfree += Pcp.pgfree.get(m, p);
      s.allocFail += Pcp.allocFail.get(m, p);
    }
    return s;
  }

  /** The struct page of an allocated page (virt_to_page). */
  pageOf(addr: number): number {
    return this.za.page(this.pageIndex(addr));
  }

  /** The page a struct page describes (page_address). */
  pageAddress(page: number): number {
    return this.za.start + ((page - this.za.pages) / Page.size) * PAGE_SIZE;
  }

  pageIndex(addr: number): number {
    const idx = (addr - this.za.start) >> PAGE_SHIFT;
    if (addr < this.za.start || (addr & (PAGE_SIZE - 1)) !== 0 || idx >= this.za.nrPages) {
      throw new MachineError(`address ${addr.toString(16)} is not a page of the zone`);
    }
    return idx;
  }

  /** pcp->lock of the pcp at `pcp`; lock objects are kept per CPU, off the Map. */
  private pcpLock(pcp: number): Lock {
    const cpu = (pcp - this.pcpBase) / Pcp.size;
    return (this.pcpLocks[cpu] ??= this.kernel.lockAt(Pcp.lock.addr(pcp)));
  }

  private pcp(cpu: number): number {
    return this.pcpBase + cpu * Pcp.size;
  }

  private rmqueueBuddy(cpu: Cpu, order: number): number {
    this.zoneLock.lock(cpu);
    const idx = this.za.rmqueue(order);
    this.zoneLock.unlock(cpu);
    return idx;
  }

  private rmqueuePcp(cpu: Cpu): number {
    const m = this.kernel.mem;
    const pcp = this.pcp(cpu.id);
    const lock = this.pcpLock(pcp);
    lock.lock(cpu);
    if (Pcp.count.get(m, pcp) === 0) this.refill(cpu, pcp);
    let idx = Pcp.head.get(m, pcp);
    if (idx !== NIL) {
      const p = this.za.page(idx);
      Pcp.head.set(m, pcp, Page.next.get(m, p));
      Pcp.count.store(m, pcp, Pcp.count.get(m, pcp) - 1);
      Page.flags.set(m, p, 0);
    }
    lock.unlock(cpu);
    if (idx === NIL) {
      // Out of pages: pull back what other CPUs keep on their lists, once.
      this.drainAllPages(cpu);
      this.zoneLock.lock(cpu);
      idx = this.za.rmqueue(0);
      this.zoneLock.unlock(cpu);
    }
    return idx;
  }

  /** rmqueue_bulk(): one zone->lock round trip fills a batch. Holds pcp->lock. */
  private refill(cpu: Cpu, pcp: number): void {
    const m = this.kernel.mem;
    this.zoneLock.lock(cpu);
    let head = Pcp.head.get(m, pcp);
    let n = 0;
    for (; n < PCP_BATCH; n++) {
      const idx = this.za.rmqueue(0);
      if (idx === NIL) break;
      const p = this.za.page(idx);
      Page.flags.set(m, p, PG_PCP);
      Page.next.set(m, p, head);
      head = idx;
    }
    this.zoneLock.unlock(cpu);
    Pcp.head.set(m, pcp, head);
    Pcp.count.store(m, pcp, Pcp.count.get(m, pcp) + n);
  }

  private freePcp(cpu: Cpu, idx: number): void {
    const m = this.kernel.mem;
    const pcp = this.pcp(cpu.id);
    const lock = this.pcpLock(pcp);
    lock.lock(cpu);
    const p = this.za.page(idx);
    Page.flags.set(m, p, PG_PCP);
    Page.next.set(m, p, Pcp.head.get(m, pcp));
    Pcp.head.set(m, pcp, idx);
    const count = Pcp.count.get(m, pcp) + 1;
    Pcp.count.store(m, pcp, count);
    lock.unlock(cpu);
    if (count > PCP_HIGH) this.drain(cpu, cpu.id, PCP_BATCH);
  }

  /** free_pcppages_bulk(): move up to `max` pages of CPU `target`'s list to the zone. */
  private drain(cpu: Cpu, target: number, max: number): void {
    const m = this.kernel.mem;
    const pcp = this.pcp(target);
    const lock = this.pcpLock(pcp);
    lock.lock(cpu);
    this.zoneLock.lock(cpu);
    let n = 0;
    let head = Pcp.head.get(m, pcp);
    while (head !== NIL && n < max) {
      const p = this.za.page(head);
      const next = Page.next.get(m, p);
      Page.flags.set(m, p, 0);
      this.za.freeOne(head, 0);
      head = next;
      n++;
    }
    this.zoneLock.unlock(cpu);
    Pcp.head.set(m, pcp, head);
    Pcp.count.store(m, pcp, Pcp.count.get(m, pcp) - n);
    lock.unlock(cpu);
  }
}
