// pcpu_alloc (mm/percpu.c pcpu_alloc_noprof, Linux 6.12), and a bulk form.
//
// Kept: request checks (size rounded to 4 bytes, align raised to 4; size 0,
// over PCPU_MIN_UNIT_SIZE, align over PAGE_SIZE or not a power of two WARN
// and fail); the reserved chunk for reserved requests; the slot walk from
// pcpu_size_to_slot(size) to the free slot with pcpu_find_block_fit and
// pcpu_alloc_area, chunks failing in a low slot moved to slot 0; a new chunk
// only when nothing fits and no free chunk exists, then a retry; population
// of unpopulated pages holding only the mutex; balance work scheduled when
// empty populated pages run low (checked after population, as 6.12 does);
// zeroing the area in every unit; failure accounting.
// Not the kernel's: a caller that overwrites every byte of the area in every
// unit before reading it may say so, and an engine that only prices work
// (Cpu.pricesWork, the virtual engine) then leaves the zeroing's stores out
// and charges the loop all the same (pcpuZeroUnits).
// Left out: memcg charging and obj_exts, alloc tagging, kmemleak, the
// killable mutex (a CPU here is never killed), the warn_limit message text.
//
// Locks: a request that may sleep (GFP_KERNEL) holds pcpu_alloc_mutex for
// the whole call and pcpu_lock around the chunk search and bookkeeping. An
// atomic request (GFP_ATOMIC) never takes the mutex (taking it would be a
// LockError, it runs in an atomic section), only finds room in populated
// pages, and fails instead of creating or populating.
//
// pcpuAllocBulk (not in the kernel, which has no bulk percpu allocator) is
// what n pcpuAlloc calls of one size do, with the locks taken less often:
// the mutex once for the whole batch, pcpu_lock once per fit pass (as many
// areas as fit, one search and claim each, exactly as pcpuAlloc would make
// them), then population of the pass's areas under the mutex alone, and a
// new chunk between passes when nothing fits. Because a sleeping search
// never looks at population, the areas are the ones n sequential calls
// would return, in the same order.
import { AtomicContext, PAGE_SHIFT, PAGE_SIZE, atomicEnter, atomicExit, type Cpu } from '@percpu-lab/machine';
import { pcpuAllocAreaSearch, pcpuClaimArea, pcpuFindBlockFit, pcpuFreeArea } from './area.js';
import { takeWordsScanned, findNextBit, findNextZeroBit } from './bitmap.js';
import { pcpuBlockUpdateScan } from './hints.js';
import { chunkOfId, pcpuChunkPopulated, pcpuCreateChunk, pcpuPopulateChunk } from './chunk.js';
import {
  PCPU_EMPTY_POP_PAGES_LOW,
  PCPU_MIN_ALLOC_SHIFT,
  PCPU_MIN_ALLOC_SIZE,
  PCPU_MIN_UNIT_SIZE,
  PCPU_SLOT_FAIL_THRESHOLD,
  __GFP_NOWARN,
  gfpAllowsBlocking,
} from './constants.js';
import type { PcpuCtx } from './context.js';
import { CHUNK, GLOBAL, GLOBAL_F64, GLOBAL_HISTOGRAM, HIST_BUCKETS, LIST, ListHead, PcpuChunk as C } from './layout.js';
import { listEmpty, pcpuChunkMove, pcpuChunkRelocate, pcpuReintegrateChunk, pcpuSizeToSlot } from './slots.js';
import { pcpuScheduleBalanceWork } from './balance.js';

// Field indices from layout.ts, as module constants (layout.ts says why).
const {
  id: CHUNK_ID, maxAllocSize: CHUNK_MAX_ALLOC_SIZE, nrAlloc: CHUNK_NR_ALLOC,
  pageTable: CHUNK_PAGE_TABLE, populated: CHUNK_POPULATED,
} = CHUNK;
const { next: LIST_NEXT } = LIST;
const {
  atomicAllocFailed: G_ATOMIC_ALLOC_FAILED, nrEmptyPopPages: G_NR_EMPTY_POP_PAGES,
  nrFailed: G_NR_FAILED, nrWarnings: G_NR_WARNINGS,
} = GLOBAL;
const {
  maxAllocSize: G64_MAX_ALLOC_SIZE, minAllocSize: G64_MIN_ALLOC_SIZE, nrAlloc: G64_NR_ALLOC,
  nrCurAlloc: G64_NR_CUR_ALLOC, nrMaxAlloc: G64_NR_MAX_ALLOC,
} = GLOBAL_F64;

/** A placement the replayer imposes: claim this chunk's bit offset instead of the model's choice. */
export interface ForcedPlacement {
  chunk: number;
  bitOff: number;
}

/** Words of one list_head (a slot list's head). */
const LIST_WORDS = ListHead.size >> 2;

function isPowerOf2(x: number): boolean {
  return x > 0 && (x & (x - 1)) === 0;
}

/**
 * The request checks of pcpu_alloc: the size rounded up to 4 bytes, or 0
 * for an illegal request (after the WARN, counted unless __GFP_NOWARN).
 * `align` must already be raised to PCPU_MIN_ALLOC_SIZE.
 */
function pcpuAllocSize(p: PcpuCtx, size: number, align: number, gfp: number): number {
  // ALIGN(size, 4); the float form only for sizes that are not small integers.
  size = (size | 0) === size && size > 0 ? (size + PCPU_MIN_ALLOC_SIZE - 1) & -PCPU_MIN_ALLOC_SIZE : Math.ceil(size / PCPU_MIN_ALLOC_SIZE) * PCPU_MIN_ALLOC_SIZE;
  if (size > 0 && size <= PCPU_MIN_UNIT_SIZE && align <= PAGE_SIZE && isPowerOf2(align)) return size;
  // WARN(do_warn, "illegal size (%zu) or align (%zu) for percpu allocation")
  if ((gfp & __GFP_NOWARN) === 0) Atomics.add(p.i32, (p.g >> 2) + G_NR_WARNINGS, 1);
  return 0;
}

/**
 * The chunk search of pcpu_alloc: the reserved chunk for reserved requests,
 * else the slots from pcpu_size_to_slot(size) up to the free slot, head to
 * tail, taking the first chunk where pcpu_find_block_fit and the exact
 * search of pcpu_alloc_area both succeed. Returns the chunk (0 if none) and
 * leaves the bit offset in p.foundBitOff and the largest skipped area in
 * p.largest. With `commit` it moves chunks that fail in a low slot to slot 0
 * as the kernel does; without, it only looks (the replayer's peek), which
 * finds the same chunk because moved chunks were already passed over.
 * Holds pcpu_lock.
 */
export function pcpuSearch(p: PcpuCtx, size: number, align: number, reserved: boolean, isAtomic: boolean, commit: boolean): number {
  const i32 = p.i32;
  const bits = size >>> PCPU_MIN_ALLOC_SHIFT;
  const bitAlign = align >>> PCPU_MIN_ALLOC_SHIFT;
  if (reserved && p.reservedChunk !== 0) return fitIn(p, p.reservedChunk, bits, bitAlign, isAtomic) ? p.reservedChunk : 0;
  const freeSlot = p.freeSlot;
  let slot = pcpuSizeToSlot(p, size);
  // hw: word index of pcpu_chunk_lists[slot]. Most slots are empty lists;
  // passing one costs two loads.
  for (let hw = (p.chunkLists >> 2) + slot * LIST_WORDS; slot <= freeSlot; slot++, hw += LIST_WORDS) {
    const head = hw << 2;
    for (let pos = i32[hw + LIST_NEXT]!; pos !== head; ) {
      const next = i32[(pos >> 2) + LIST_NEXT]!;
      const chunk = pos - C.list.offset;
      const start = pcpuFindBlockFit(p, chunk, bits, bitAlign, isAtomic);
      if (start < 0) {
        if (commit && slot < PCPU_SLOT_FAIL_THRESHOLD) pcpuChunkMove(p, chunk, 0);
      } else {
        p.foundBitOff = pcpuAllocAreaSearch(p, chunk, bits, bitAlign, start);
        if (p.foundBitOff >= 0) return chunk;
      }
      pos = next;
    }
  }
  return 0;
}

function fitIn(p: PcpuCtx, chunk: number, bits: number, bitAlign: number, isAtomic: boolean): boolean {
  const start = pcpuFindBlockFit(p, chunk, bits, bitAlign, isAtomic);
  if (start < 0) return false;
  p.foundBitOff = pcpuAllocAreaSearch(p, chunk, bits, bitAlign, start);
  return p.foundBitOff >= 0;
}

/** The rest of pcpu_alloc_area for what pcpuSearch found: note the skipped area, claim. Holds pcpu_lock. */
function claimFound(p: PcpuCtx, chunk: number, bits: number): void {
  if (p.largest.bits !== 0) pcpuBlockUpdateScan(p, chunk, p.largest.off, p.largest.bits);
  pcpuClaimArea(p, chunk, p.foundBitOff, bits);
}

/** After the claim: reintegrate an isolated chunk, count the allocation. Holds pcpu_lock. */
function accountArea(p: PcpuCtx, chunk: number, size: number, reserved: boolean): void {
  if (!reserved || p.reservedChunk === 0) pcpuReintegrateChunk(p, chunk);
  statsAreaAlloc(p, chunk, size);
}

/** pcpu_stats_area_alloc (under pcpu_lock), plus the size histogram. */
function statsAreaAlloc(p: PcpuCtx, chunk: number, size: number): void {
  const i32 = p.i32;
  const f64 = p.mem.f64;
  const g = p.g >> 3;
  const c = chunk >> 2;
  f64[g + G64_NR_ALLOC]! += 1;
  const cur = (f64[g + G64_NR_CUR_ALLOC]! += 1);
  if (cur > f64[g + G64_NR_MAX_ALLOC]!) f64[g + G64_NR_MAX_ALLOC] = cur;
  if (size < f64[g + G64_MIN_ALLOC_SIZE]!) f64[g + G64_MIN_ALLOC_SIZE] = size;
  if (size > f64[g + G64_MAX_ALLOC_SIZE]!) f64[g + G64_MAX_ALLOC_SIZE] = size;
  i32[c + CHUNK_NR_ALLOC]! += 1;
  if (size > i32[c + CHUNK_MAX_ALLOC_SIZE]!) i32[c + CHUNK_MAX_ALLOC_SIZE] = size;
  f64[g + GLOBAL_HISTOGRAM + Math.min(HIST_BUCKETS - 1, 30 - Math.clz32(size - 1))]! += 1;
}

/**
 * memset(per_cpu_ptr(area, cpu), 0, size) for units 0..nrCpus-1 of the
 * chunk whose page table is at `pageTable`: one table row per page the area
 * touches, then the same offset in every unit's page: a loop over CPUs
 * (Cpu.touchUnits), unit u being CPU u's. With `overwritten` (the caller
 * writes every byte of the area in every unit before anything reads it) an
 * engine that prices work (Cpu.pricesWork) skips the stores and charges the
 * loop all the same; the kernel, and the threads engine, always zero.
 */
export function pcpuZeroUnits(p: PcpuCtx, cpu: Cpu, pageTable: number, off: number, size: number, nrCpus: number, overwritten = false): void {
  const i32 = p.i32;
  const stride = p.nrUnits;
  const pt = pageTable >> 2;
  const stores = !(overwritten && cpu.pricesWork);
  for (let o = off, end = off + size; o < end; ) {
    const pageOff = o & (PAGE_SIZE - 1);
    const len = Math.min(end - o, PAGE_SIZE - pageOff);
    const row = pt + (o >>> PAGE_SHIFT) * stride;
    if (stores && len <= 64) {
      // Short runs (the common percpu sizes) word by word; the unit pages are page aligned.
      const words = len >> 2;
      const wordOff = pageOff >> 2;
      for (let u = 0; u < nrCpus; u++) {
        const w = (i32[row + u]! >> 2) + wordOff;
        for (let k = 0; k < words; k++) i32[w + k] = 0;
      }
    } else if (stores) {
      for (let u = 0; u < nrCpus; u++) p.mem.zero(i32[row + u]! + pageOff, len);
    }
    cpu.touchUnits(row, pageOff, len, nrCpus);
    o += len;
  }
}

/**
 * Back whatever pages of [off, off + size) are not populated yet, holding
 * only the mutex and re-taking pcpu_lock to mark them. False when memory ran
 * out: then the area has been freed and pcpu_lock is held.
 */
function populateArea(p: PcpuCtx, cpu: Cpu, chunk: number, off: number, size: number): boolean {
  const populated = p.i32[(chunk >> 2) + CHUNK_POPULATED]!;
  const pageEnd = (off + size + PAGE_SIZE - 1) >>> PAGE_SHIFT;
  for (let rs = off >>> PAGE_SHIFT; ; ) {
    rs = findNextZeroBit(p.u32, populated, pageEnd, rs);
    const re = findNextBit(p.u32, populated, pageEnd, rs + 1);
    if (rs >= pageEnd) break;
    const ok = pcpuPopulateChunk(p, cpu, chunk, rs, re);
    p.pcpuLock.lock(cpu);
    if (!ok) {
      pcpuFreeArea(p, chunk, off);
      return false;
    }
    pcpuChunkPopulated(p, chunk, rs, re);
    p.pcpuLock.unlock(cpu);
    rs = re + 1;
  }
  return true;
}

/**
 * Nothing fits: with pcpu_lock dropped, create a chunk unless a free one
 * exists. Returns the new chunk, -1 when a free chunk exists (just retry),
 * or 0 when creation failed. Holds pcpu_alloc_mutex.
 */
function growForRetry(p: PcpuCtx, cpu: Cpu): number {
  if (!listEmpty(p.mem, p.slotHead(p.freeSlot))) return -1;
  return pcpuCreateChunk(p, cpu);
}

/** The percpu pointer of the area at byte `off` of `chunk`. */
function ptrOf(p: PcpuCtx, chunk: number, off: number): number {
  return p.i32[(chunk >> 2) + CHUNK_ID]! * p.vaSpan + off;
}

/**
 * pcpu_alloc: a percpu pointer to `size` zeroed bytes in every unit, aligned
 * to `align`, or 0. `forced` is for the replayer only (see ForcedPlacement).
 * `overwritten`: the caller writes every byte of the area in every unit
 * before anything reads it (pcpuZeroUnits).
 */
export function pcpuAlloc(
  p: PcpuCtx,
  cpu: Cpu,
  size: number,
  align: number,
  reserved: boolean,
  gfp: number,
  forced: ForcedPlacement | null,
  overwritten = false,
): number {
  const isAtomic = !gfpAllowsBlocking(gfp);
  if (align < PCPU_MIN_ALLOC_SIZE) align = PCPU_MIN_ALLOC_SIZE;
  size = pcpuAllocSize(p, size, align, gfp);
  if (size === 0) return 0;
  const bits = size >>> PCPU_MIN_ALLOC_SHIFT;
  p.decisionChunk = 0;
  p.decisionOff = -1;

  if (isAtomic) atomicEnter(cpu, AtomicContext.AtomicAllocation);
  else p.allocMutex.lock(cpu);
  p.pcpuLock.lock(cpu);

  let chunk: number;
  for (;;) {
    chunk = pcpuSearch(p, size, align, reserved, isAtomic, true);
    if (chunk !== 0) {
      p.decisionChunk = chunk;
      p.decisionOff = p.foundBitOff << PCPU_MIN_ALLOC_SHIFT;
      if (forced === null) claimFound(p, chunk, bits);
      break;
    }
    // The kernel found room where the model found none: take it there.
    if (forced !== null) break;
    if (reserved && p.reservedChunk !== 0) return fail(p, cpu, isAtomic, true);
    p.pcpuLock.unlock(cpu);
    if (isAtomic) return fail(p, cpu, isAtomic, false);
    // No space left: create a chunk unless a free one exists, and retry.
    const fresh = growForRetry(p, cpu);
    if (fresh === 0) return fail(p, cpu, isAtomic, false);
    p.pcpuLock.lock(cpu);
    if (fresh > 0) pcpuChunkRelocate(p, fresh, -1);
  }
  let off = p.foundBitOff << PCPU_MIN_ALLOC_SHIFT;
  if (forced !== null) {
    chunk = forced.chunk;
    off = forced.bitOff << PCPU_MIN_ALLOC_SHIFT;
    pcpuClaimArea(p, chunk, forced.bitOff, bits);
  }
  accountArea(p, chunk, size, reserved);
  p.pcpuLock.unlock(cpu);

  if (!isAtomic) {
    if (!populateArea(p, cpu, chunk, off, size)) return fail(p, cpu, isAtomic, true);
    p.allocMutex.unlock(cpu);
  } else {
    atomicExit(cpu);
  }

  if (p.i32[(p.g >> 2) + G_NR_EMPTY_POP_PAGES]! < PCPU_EMPTY_POP_PAGES_LOW) pcpuScheduleBalanceWork(p);
  pcpuZeroUnits(p, cpu, p.i32[(chunk >> 2) + CHUNK_PAGE_TABLE]!, off, size, p.nrUnits, overwritten);
  cpu.cost('bitmapWord', takeWordsScanned());
  cpu.cost('pcpuAllocCall', 1);
  return ptrOf(p, chunk, off);
}

/**
 * Up to `n` areas of `size` bytes aligned to `align`, their percpu pointers
 * written to out[0..count); returns count: n unless memory (or, for an
 * atomic request, populated room) ran out, 0 for an illegal request. See
 * the header for the locking and why the areas equal those of n pcpuAlloc
 * calls.
 */
export function pcpuAllocBulk(
  p: PcpuCtx,
  cpu: Cpu,
  size: number,
  align: number,
  n: number,
  out: number[] | Uint32Array,
  gfp: number,
): number {
  const isAtomic = !gfpAllowsBlocking(gfp);
  if (align < PCPU_MIN_ALLOC_SIZE) align = PCPU_MIN_ALLOC_SIZE;
  size = pcpuAllocSize(p, size, align, gfp);
  if (size === 0 || n <= 0) return 0;
  const bits = size >>> PCPU_MIN_ALLOC_SHIFT;

  if (isAtomic) atomicEnter(cpu, AtomicContext.AtomicAllocation);
  else p.allocMutex.lock(cpu);
  let count = 0;
  let fresh = 0;
  for (;;) {
    // One fit pass: as many areas as fit, under one hold of pcpu_lock.
    const first = count;
    p.pcpuLock.lock(cpu);
    if (fresh > 0) pcpuChunkRelocate(p, fresh, -1);
    while (count < n) {
      const chunk = pcpuSearch(p, size, align, false, isAtomic, true);
      if (chunk === 0) break;
      claimFound(p, chunk, bits);
      accountArea(p, chunk, size, false);
      out[count++] = ptrOf(p, chunk, p.foundBitOff << PCPU_MIN_ALLOC_SHIFT);
    }
    p.pcpuLock.unlock(cpu);
    if (!isAtomic) {
      const backed = populatePass(p, cpu, out, first, count, size);
      if (backed < count) {
        count = backed;
        break;
      }
    }
    if (p.i32[(p.g >> 2) + G_NR_EMPTY_POP_PAGES]! < PCPU_EMPTY_POP_PAGES_LOW) pcpuScheduleBalanceWork(p);
    if (count === n || isAtomic) break;
    fresh = growForRetry(p, cpu);
    if (fresh === 0) break;
  }
  if (isAtomic) atomicExit(cpu);
  else p.allocMutex.unlock(cpu);

  for (let i = 0; i < count; i++) {
    const ptr = out[i]!;
    const chunk = chunkOfId(p, ptr >>> p.vaShift);
    pcpuZeroUnits(p, cpu, p.i32[(chunk >> 2) + CHUNK_PAGE_TABLE]!, ptr & p.vaMask, size, p.nrUnits);
  }
  if (count < n) failed(p, isAtomic);
  cpu.cost('bitmapWord', takeWordsScanned());
  // The per-area work of pcpu_alloc stays; only the lock round trips are shared.
  cpu.cost('pcpuAllocCall', Math.max(count, 1));
  return count;
}

/**
 * Populate the areas out[first..count) of one fit pass in order. Returns
 * how many of them stand: count, or the index of the one whose population
 * failed, after freeing it and every later one (pcpu_lock dropped again).
 */
function populatePass(p: PcpuCtx, cpu: Cpu, out: number[] | Uint32Array, first: number, count: number, size: number): number {
  for (let i = first; i < count; i++) {
    const ptr = out[i]!;
    if (populateArea(p, cpu, chunkOfId(p, ptr >>> p.vaShift), ptr & p.vaMask, size)) continue;
    for (let j = i + 1; j < count; j++) pcpuFreeArea(p, chunkOfId(p, out[j]! >>> p.vaShift), out[j]! & p.vaMask);
    p.pcpuLock.unlock(cpu);
    return i;
  }
  return count;
}

/** Failure accounting: count it; an atomic failure asks balance work to populate more. */
function failed(p: PcpuCtx, isAtomic: boolean): void {
  Atomics.add(p.i32, (p.g >> 2) + G_NR_FAILED, 1);
  if (isAtomic) {
    p.i32[(p.g >> 2) + G_ATOMIC_ALLOC_FAILED] = 1;
    pcpuScheduleBalanceWork(p);
  }
}

/**
 * The fail/fail_unlock exit of pcpu_alloc: count it; an atomic failure asks
 * balance work to populate more; a sleeping request drops the mutex.
 */
function fail(p: PcpuCtx, cpu: Cpu, isAtomic: boolean, locked: boolean): number {
  if (locked) p.pcpuLock.unlock(cpu);
  failed(p, isAtomic);
  if (isAtomic) atomicExit(cpu);
  else p.allocMutex.unlock(cpu);
  cpu.cost('bitmapWord', takeWordsScanned());
  cpu.cost('pcpuAllocCall', 1);
  return 0;
}
