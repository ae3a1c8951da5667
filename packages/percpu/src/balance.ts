// Balance work (mm/percpu.c pcpu_balance_workfn, pcpu_balance_free,
// pcpu_reclaim_populated, pcpu_balance_populated; mm/percpu-vm.c
// pcpu_should_reclaim_chunk). Runs deferred, as a work item some CPU picks
// up at a scheduling point (runPendingWork), never inline in the allocation
// or free that asked for it.
//
// It keeps at most one wholly free chunk, gives back the empty pages of
// isolated chunks (then sidelines them, searched last), and keeps
// PCPU_EMPTY_POP_PAGES_LOW..HIGH empty populated pages ready for atomic
// requests, populating the most-used chunks first and creating a chunk when
// none has pages left to populate.
// Left out: memalloc_noio (no I/O here), cond_resched, the TLB flush batch.
//
// Locks: pcpu_alloc_mutex for the whole run (nothing else creates,
// destroys or [de]populates meanwhile), pcpu_lock except around page
// allocation and freeing.
import { PAGE_SIZE, scheduleWork, type Cpu } from '@percpu-lab/machine';
import { findNextBit, findNextZeroBit, testBit } from './bitmap.js';
import {
  pcpuChunkDepopulated,
  pcpuChunkPopulated,
  pcpuCreateChunk,
  pcpuDepopulateChunk,
  pcpuDestroyChunk,
  pcpuPopulateChunk,
} from './chunk.js';
import { PCPU_BITMAP_BLOCK_BITS as BLOCK_BITS, PCPU_EMPTY_POP_PAGES_HIGH } from './constants.js';
import type { PcpuCtx, PcpuMem } from './context.js';
import { blockAddr } from './hints.js';
import { BlockMd, CHUNK, GLOBAL, ListHead, PcpuChunk as C, PcpuGlobals as G } from './layout.js';
import { listDel, listMoveTail, pcpuChunkRelocate, pcpuReintegrateChunk, pcpuSizeToSlot } from './slots.js';

// Field indices from layout.ts, as module constants (layout.ts says why).
const {
  isolated: CHUNK_ISOLATED, nrEmptyPopPages: CHUNK_NR_EMPTY_POP_PAGES, nrPages: CHUNK_NR_PAGES,
} = CHUNK;
const { nrEmptyPopPages: G_NR_EMPTY_POP_PAGES } = GLOBAL;

/** pcpu_schedule_balance_work: only once async work is enabled (after boot). */
export function pcpuScheduleBalanceWork(p: PcpuCtx): void {
  if (G.asyncEnabled.get(p.mem, p.g) !== 0) scheduleWork(p.kernel, p.balanceWork);
}

/**
 * pcpu_should_reclaim_chunk: an isolated chunk with empty pages again, or a
 * chunk at least a quarter empty while enough empty pages exist elsewhere.
 * Never the first or reserved chunk. Holds pcpu_lock.
 */
export function pcpuShouldReclaimChunk(p: PcpuMem, chunk: number): boolean {
  if (chunk === p.firstChunk || chunk === p.reservedChunk) return false;
  const i32 = p.i32;
  const c = chunk >> 2;
  const empty = i32[c + CHUNK_NR_EMPTY_POP_PAGES]!;
  return (
    (i32[c + CHUNK_ISOLATED] !== 0 && empty !== 0) ||
    (i32[(p.g >> 2) + G_NR_EMPTY_POP_PAGES]! > PCPU_EMPTY_POP_PAGES_HIGH + empty && empty >= Math.floor(i32[c + CHUNK_NR_PAGES]! / 4))
  );
}

/** Depopulate every populated run of a chunk about to be destroyed. Called with pcpu_lock dropped. */
function depopulateAll(p: PcpuCtx, cpu: Cpu, chunk: number): void {
  const m = p.mem;
  const nrPages = C.nrPages.get(m, chunk);
  const populated = C.populated.get(m, chunk);
  for (let rs = 0; ; ) {
    rs = findNextBit(p.u32, populated, nrPages, rs);
    const re = findNextZeroBit(p.u32, populated, nrPages, rs + 1);
    if (rs >= nrPages) break;
    pcpuDepopulateChunk(p, cpu, chunk, rs, re);
    p.pcpuLock.lock(cpu);
    pcpuChunkDepopulated(p, chunk, rs, re);
    p.pcpuLock.unlock(cpu);
    rs = re + 1;
  }
}

/**
 * pcpu_balance_free: destroy wholly free chunks but the first on the free
 * slot (emptyOnly: only those with no populated pages). Holds pcpu_lock,
 * dropping it while chunks are torn down.
 */
function pcpuBalanceFree(p: PcpuCtx, cpu: Cpu, emptyOnly: boolean): void {
  const m = p.mem;
  const head = p.slotHead(p.freeSlot);
  // The kernel moves each victim to the head of a local list, so it frees
  // them in the reverse of the order it found them.
  const toFree: number[] = [];
  for (let pos = ListHead.next.get(m, head); pos !== head; ) {
    const next = ListHead.next.get(m, pos);
    const chunk = pos - C.list.offset;
    if (pos !== ListHead.next.get(m, head) && (!emptyOnly || C.nrEmptyPopPages.get(m, chunk) === 0)) {
      listDel(m, pos);
      toFree.unshift(chunk);
    }
    pos = next;
  }
  if (toFree.length === 0) return;
  p.pcpuLock.unlock(cpu);
  for (const chunk of toFree) {
    depopulateAll(p, cpu, chunk);
    pcpuDestroyChunk(p, cpu, chunk);
  }
  p.pcpuLock.lock(cpu);
}

/**
 * pcpu_reclaim_populated: for each isolated chunk, give back its empty
 * populated pages from the end backwards, stopping if the system runs short
 * of empty pages (then the chunk is reintegrated); a depopulated chunk is
 * sidelined unless it became wholly free. Holds pcpu_lock, dropping it
 * around depopulation.
 */
function pcpuReclaimPopulated(p: PcpuCtx, cpu: Cpu): void {
  const m = p.mem;
  const head = p.slotHead(p.toDepopulateSlot);
  for (let pos = ListHead.next.get(m, head); pos !== head; pos = ListHead.next.get(m, head)) {
    const chunk = pos - C.list.offset;
    const populated = C.populated.get(m, chunk);
    let reintegrate = false;
    let end = -1;
    for (let i = C.nrPages.get(m, chunk) - 1; i >= 0; i--) {
      if (C.nrEmptyPopPages.get(m, chunk) === 0) break;
      if (G.nrEmptyPopPages.get(m, p.g) < PCPU_EMPTY_POP_PAGES_HIGH) {
        reintegrate = true;
        break;
      }
      if (BlockMd.contigHint.get(m, blockAddr(m, chunk, i)) === BLOCK_BITS && testBit(p.u32, populated, i)) {
        if (end === -1) end = i;
        if (i > 0) continue;
        i--;
      }
      if (end === -1) continue;
      p.pcpuLock.unlock(cpu);
      pcpuDepopulateChunk(p, cpu, chunk, i + 1, end + 1);
      p.pcpuLock.lock(cpu);
      pcpuChunkDepopulated(p, chunk, i + 1, end + 1);
      end = -1;
    }
    if (reintegrate || C.freeBytes.get(m, chunk) === p.unitSize) pcpuReintegrateChunk(p, chunk);
    else listMoveTail(m, C.list.addr(chunk), p.slotHead(p.sidelinedSlot));
  }
}

/**
 * pcpu_balance_populated: populate up to HIGH empty pages (all HIGH after an
 * atomic failure), from the first chunk with unpopulated pages in the
 * fullest slots that can still serve a page; create a chunk if none is
 * left. Holds pcpu_lock, dropping it around population and creation.
 */
function pcpuBalancePopulated(p: PcpuCtx, cpu: Cpu): void {
  const m = p.mem;
  for (;;) {
    let nrToPop: number;
    if (G.atomicAllocFailed.get(m, p.g) !== 0) {
      nrToPop = PCPU_EMPTY_POP_PAGES_HIGH;
      G.atomicAllocFailed.set(m, p.g, 0);
    } else {
      nrToPop = Math.min(Math.max(PCPU_EMPTY_POP_PAGES_HIGH - G.nrEmptyPopPages.get(m, p.g), 0), PCPU_EMPTY_POP_PAGES_HIGH);
    }
    for (let slot = pcpuSizeToSlot(p, PAGE_SIZE); slot <= p.freeSlot && nrToPop !== 0; slot++) {
      const head = p.slotHead(slot);
      let chunk = 0;
      for (let pos = ListHead.next.get(m, head); pos !== head; pos = ListHead.next.get(m, pos)) {
        const c = pos - C.list.offset;
        if (C.nrPages.get(m, c) - C.nrPopulated.get(m, c) !== 0) {
          chunk = c;
          break;
        }
      }
      if (chunk === 0) continue;
      // The chunk cannot go away: balance work holds pcpu_alloc_mutex.
      const nrPages = C.nrPages.get(m, chunk);
      const populated = C.populated.get(m, chunk);
      for (let rs = 0; ; ) {
        rs = findNextZeroBit(p.u32, populated, nrPages, rs);
        const re = findNextBit(p.u32, populated, nrPages, rs + 1);
        if (rs >= nrPages) break;
        const nr = Math.min(re - rs, nrToPop);
        p.pcpuLock.unlock(cpu);
        const ok = pcpuPopulateChunk(p, cpu, chunk, rs, rs + nr);
        p.pcpuLock.lock(cpu);
        if (ok) {
          nrToPop -= nr;
          pcpuChunkPopulated(p, chunk, rs, rs + nr);
        } else {
          nrToPop = 0;
        }
        if (nrToPop === 0) break;
        rs = re + 1;
      }
    }
    if (nrToPop === 0) return;
    // Ran out of chunks to populate: create one and retry.
    p.pcpuLock.unlock(cpu);
    const chunk = pcpuCreateChunk(p, cpu);
    p.pcpuLock.lock(cpu);
    if (chunk === 0) return;
    pcpuChunkRelocate(p, chunk, -1);
  }
}

/** pcpu_balance_workfn: the work item's function. */
export function pcpuBalanceWorkfn(p: PcpuCtx, cpu: Cpu): void {
  p.allocMutex.lock(cpu);
  p.pcpuLock.lock(cpu);
  pcpuBalanceFree(p, cpu, false);
  pcpuReclaimPopulated(p, cpu);
  pcpuBalancePopulated(p, cpu);
  pcpuBalanceFree(p, cpu, true);
  p.pcpuLock.unlock(cpu);
  p.allocMutex.unlock(cpu);
}
