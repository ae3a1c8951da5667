// LRU lists, the per-CPU folio batches in front of them, and the memcg's
// list of mms that MGLRU walks (mm/swap.c, mm/vmscan.c, include/linux/
// mmzone.h, include/linux/pagevec.h).
//
// Kept from 6.12:
//  - one lruvec per (memcg, node) with its lru_lock (spin_lock_irqsave)
//    and its lists. Every doexec process runs in one memcg, so there is one
//    lruvec per node, shared by every CPU of that node;
//  - the per-CPU lru_add batch (cpu_fbatches.lru_add, PAGEVEC_SIZE = 31
//    folios): folio_add_lru fills it, and folio_batch_move_lru moves it to
//    the LRU when it is full or drained, taking lru_lock once per run of
//    folios of one lruvec; lru_add_drain() empties this CPU's batch;
//  - folios_put_refs(): the mmu_gather's references dropped in chunks of
//    PAGEVEC_SIZE. lru_lock is taken lazily, at the first folio of a chunk
//    whose count reaches zero while it is on an LRU, and held to the end of
//    the chunk; the folios are freed after the unlock;
//  - the memcg's lru_gen mm_list: exec's lru_gen_add_mm adds the new mm
//    under mm_list.lock, updating every node's mm_state tail, and __mmput's
//    lru_gen_del_mm takes it out again, fixing every node's head and tail.
// Left out: MGLRU generations and aging, active/inactive balance, reclaim,
// the other batches (activate, deactivate, lazyfree, mlock), large folios.
// Page-cache folios never reach a zero count here (the cache keeps its
// reference), so only anonymous folios come off an LRU.
//
// Locks: lruvec->lru_lock protects the lruvec's lists and counts and every
// folio's PG_lru while it is on one of them; memcg->mm_list.lock protects
// the mm_list and every node's mm_state. A CPU's lru_add batch is its own
// (local_lock in the kernel).
import {
  CACHE_LINE, lockInit, LockKind, LockWord, nrNodes, Page, PageAllocator, pageToNid, PG_LRU, struct,
  type Cpu, type Kernel, type KernelMemory, type Lock,
} from '@percpu-lab/machine';
import { initListHead, ListHead, listAdd, listDel } from '../list.js';

/** Folios per batch (include/linux/pagevec.h, 31 since 6.10). */
export const PAGEVEC_SIZE = 31;
export const LRU_LOCK = 'lruvec->lru_lock';
export const MM_LIST_LOCK = 'memcg->mm_list.lock';

/**
 * struct lruvec of one node, reduced to one anonymous list and the MGLRU mm
 * walk state. As in the kernel, the mm walk state sits far from the lists
 * (after the large lru_gen_folio): mm_list.lock's holders and lru_lock's
 * never write one line.
 */
export const Lruvec = struct('lruvec', {
  lruLock: { bytes: LockWord.size, align: CACHE_LINE },
  anon: { bytes: ListHead.size, align: CACHE_LINE },
  nrAnon: 'i32',
  /** lru_gen_mm_state: where the mm walk continues (head) and where the last one ended (tail). */
  mmStateHead: { bytes: 4, align: CACHE_LINE },
  mmStateTail: 'i32',
  pad: { bytes: 0, align: CACHE_LINE },
});

/** struct lru_gen_mm_list of the memcg. */
export const MmList = struct('lru_gen_mm_list', {
  lock: { bytes: LockWord.size, align: CACHE_LINE },
  fifo: { bytes: ListHead.size, align: CACHE_LINE },
  pad: { bytes: 0, align: CACHE_LINE },
});

/** cpu_fbatches.lru_add of one CPU: a folio_batch. */
export const FolioBatch = struct('folio_batch', {
  nr: 'i32',
  folios: { bytes: 4 * PAGEVEC_SIZE },
  pad: { bytes: 0, align: CACHE_LINE },
});

/** Boot: the memcg's lruvec on every node, its mm_list, every CPU's lru_add batch (once per kernel). */
export function lruBoot(kernel: Kernel): void {
  if (kernel.hasSymbol('lruvecs')) return;
  const m = kernel.mem;
  const nodes = nrNodes(kernel);
  kernel.lockClass(LRU_LOCK);
  const lruvecs = kernel.memblockAlloc(Lruvec.size * nodes, CACHE_LINE);
  const mmList = kernel.memblockAlloc(MmList.size, CACHE_LINE);
  lockInit(kernel, MmList.lock.addr(mmList), LockKind.SpinLock, MM_LIST_LOCK);
  initListHead(m, MmList.fifo.addr(mmList));
  for (let n = 0; n < nodes; n++) {
    const l = lruvecs + n * Lruvec.size;
    lockInit(kernel, Lruvec.lruLock.addr(l), LockKind.SpinLock, LRU_LOCK);
    initListHead(m, Lruvec.anon.addr(l));
    Lruvec.mmStateTail.set(m, l, MmList.fifo.addr(mmList));
  }
  kernel.defineSymbol('lruvecs', lruvecs);
  kernel.defineSymbol('mm_list', mmList);
  kernel.defineSymbol('lru_add_fbatches', kernel.memblockAlloc(FolioBatch.size * kernel.nrCpus, CACHE_LINE));
}

/** Boot bytes lruBoot takes for a machine of `nrCpus` CPUs on `nodes` nodes. */
export function lruBootBytes(nrCpus: number, nodes: number): number {
  return Lruvec.size * nodes + MmList.size + FolioBatch.size * nrCpus + 3 * CACHE_LINE;
}

/** The folio's lru link: page->lru is the struct page's next/prev pair. */
const lruLink = (folio: number): number => folio + Page.next.offset;

/** LRU operations as one CPU runs them. */
export class Lru {
  private readonly m: KernelMemory;
  private readonly lruvecs: number;
  private readonly mmList: number;
  private readonly mmListLock: Lock;
  private readonly batch: number;
  private readonly nodes: number;
  private readonly lruLocks: Lock[] = [];

  constructor(kernel: Kernel, private readonly pages: PageAllocator) {
    this.m = kernel.mem;
    this.lruvecs = kernel.symbol('lruvecs');
    this.mmList = kernel.symbol('mm_list');
    this.mmListLock = kernel.lockAt(MmList.lock.addr(this.mmList));
    this.batch = kernel.symbol('lru_add_fbatches');
    this.nodes = nrNodes(kernel);
    for (let n = 0; n < this.nodes; n++) this.lruLocks.push(kernel.lockAt(Lruvec.lruLock.addr(this.lruvec(n))));
  }

  private lruvec(node: number): number {
    return this.lruvecs + node * Lruvec.size;
  }

  /** folio_add_lru(): into this CPU's batch, which moves to the LRU once it holds PAGEVEC_SIZE folios. */
  folioAddLru(cpu: Cpu, folio: number): void {
    const b = this.batch + cpu.id * FolioBatch.size;
    const nr = FolioBatch.nr.get(this.m, b);
    this.m.i32[(FolioBatch.folios.addr(b) >> 2) + nr] = folio;
    FolioBatch.nr.set(this.m, b, nr + 1);
    if (nr + 1 === PAGEVEC_SIZE) this.folioBatchMoveLru(cpu, b);
  }

  /** lru_add_drain(): this CPU's batch to the LRU (no lock when it is empty). */
  lruAddDrain(cpu: Cpu): void {
    const b = this.batch + cpu.id * FolioBatch.size;
    if (FolioBatch.nr.get(this.m, b) > 0) this.folioBatchMoveLru(cpu, b);
  }

  /** Folios on a node's LRU lists (for checks). */
  nrLruFolios(node: number): number {
    return Lruvec.nrAnon.get(this.m, this.lruvec(node));
  }

  /**
   * folio_batch_move_lru(fbatch, lru_add): each folio onto its lruvec's list
   * under that lruvec's lru_lock, re-locking only when the lruvec changes.
   */
  private folioBatchMoveLru(cpu: Cpu, b: number): void {
    const m = this.m;
    const nr = FolioBatch.nr.get(m, b);
    const slots = FolioBatch.folios.addr(b) >> 2;
    let locked = -1;
    for (let i = 0; i < nr; i++) {
      const folio = m.i32[slots + i]!;
      locked = this.relock(cpu, folio, locked);
      this.lruvecAddFolio(cpu, locked, folio);
    }
    if (locked !== -1) this.unlockLruvec(cpu, locked);
    FolioBatch.nr.set(m, b, 0);
  }

  /**
   * folios_put_refs() for the anonymous folios of a gather, in address
   * order, each dropping its last reference: in chunks of PAGEVEC_SIZE
   * gather entries (`entries` counts every entry, page-cache ones included,
   * `anonAt[i]` being the entry index of anon folio i), lru_lock from the
   * first folio of a chunk to the chunk's end; the freed folios go back to
   * the page allocator after the unlock.
   */
  foliosPutRefs(cpu: Cpu, folios: readonly number[], anonAt: readonly number[], entries: number): void {
    let f = 0;
    for (let chunk = 0; chunk < entries; chunk += PAGEVEC_SIZE) {
      const end = Math.min(chunk + PAGEVEC_SIZE, entries);
      const first = f;
      let locked = -1;
      for (; f < folios.length && anonAt[f]! < end; f++) {
        const folio = folios[f]!;
        locked = this.relock(cpu, folio, locked);
        this.lruvecDelFolio(cpu, locked, folio);
      }
      // The lock is held over the rest of the chunk's entries, page-cache references being dropped.
      if (locked !== -1) this.unlockLruvec(cpu, locked);
      for (let i = first; i < f; i++) this.pages.freePages(cpu, this.pages.pageAddress(folios[i]!), 0);
    }
  }

  /** lru_gen_add_mm(): the new mm joins the memcg's mm_list. */
  lruGenAddMm(cpu: Cpu, link: number): void {
    const m = this.m;
    const fifo = MmList.fifo.addr(this.mmList);
    this.mmListLock.lock(cpu);
    for (let n = 0; n < this.nodes; n++) {
      const l = this.lruvec(n);
      cpu.touchShared(Lruvec.mmStateHead.addr(l), 8);
      if (Lruvec.mmStateTail.get(m, l) === fifo) Lruvec.mmStateTail.set(m, l, link);
    }
    cpu.cost('listOp', 1);
    listAdd(m, link, ListHead.prev.get(m, fifo));
    this.mmListLock.unlock(cpu);
  }

  /** lru_gen_del_mm(): the mm leaves the mm_list; every node's walk position moves off it. */
  lruGenDelMm(cpu: Cpu, link: number): void {
    const m = this.m;
    if (ListHead.next.get(m, link) === 0) return;
    this.mmListLock.lock(cpu);
    for (let n = 0; n < this.nodes; n++) {
      const l = this.lruvec(n);
      cpu.touchShared(Lruvec.mmStateHead.addr(l), 8);
      if (m.i32[Lruvec.mmStateHead.addr(l) >> 2] === link) m.i32[Lruvec.mmStateHead.addr(l) >> 2] = ListHead.prev.get(m, link);
      if (Lruvec.mmStateTail.get(m, l) === link) Lruvec.mmStateTail.set(m, l, ListHead.next.get(m, link));
    }
    cpu.cost('listOp', 1);
    listDel(m, link);
    this.mmListLock.unlock(cpu);
  }

  /** The node of a folio's page (page_to_nid: the allocating CPU's, pages being allocated node-local). */
  private nodeOfFolio(folio: number): number {
    return pageToNid(this.m, folio);
  }

  /**
   * folio_lruvec_relock_irqsave(): hold the lru_lock of `folio`'s lruvec,
   * dropping the one held (`locked`, a node, or -1) only when it is another;
   * returns the node now locked. The irq save is priced with the lock's class.
   */
  private relock(cpu: Cpu, folio: number, locked: number): number {
    const node = this.nodeOfFolio(folio);
    if (node === locked) return locked;
    if (locked !== -1) this.unlockLruvec(cpu, locked);
    this.lruLocks[node]!.lock(cpu);
    return node;
  }

  private unlockLruvec(cpu: Cpu, node: number): void {
    this.lruLocks[node]!.unlock(cpu);
  }

  /** lruvec_add_folio(): list head, counts, PG_lru. Caller holds lru_lock. */
  private lruvecAddFolio(cpu: Cpu, node: number, folio: number): void {
    const m = this.m;
    const l = this.lruvec(node);
    listAdd(m, lruLink(folio), Lruvec.anon.addr(l));
    Lruvec.nrAnon.set(m, l, Lruvec.nrAnon.get(m, l) + 1);
    Page.flags.set(m, folio, Page.flags.get(m, folio) | PG_LRU);
    cpu.cost('lruFolio', 1);
  }

  /** lruvec_del_folio() and __folio_clear_lru_flags(). Caller holds lru_lock. */
  private lruvecDelFolio(cpu: Cpu, node: number, folio: number): void {
    const m = this.m;
    const l = this.lruvec(node);
    listDel(m, lruLink(folio));
    Lruvec.nrAnon.set(m, l, Lruvec.nrAnon.get(m, l) - 1);
    Page.flags.set(m, folio, Page.flags.get(m, folio) & ~PG_LRU);
    cpu.cost('lruFolio', 1);
  }
}
