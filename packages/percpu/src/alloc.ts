// pcpu_alloc (mm/percpu.c pcpu_alloc_noprof, Linux 6.12).
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
// Left out: memcg charging and obj_exts, alloc tagging, kmemleak, the
// killable mutex (a CPU here is never killed), the warn_limit message text.
//
// Locks: a request that may sleep (GFP_KERNEL) holds pcpu_alloc_mutex for
// the whole call and pcpu_lock around the chunk search and bookkeeping. An
// atomic request (GFP_ATOMIC) never takes the mutex (taking it would be a
// LockError, it runs in an atomic section), only finds room in populated
// pages, and fails instead of creating or populating.
import { AtomicContext, PAGE_SHIFT, PAGE_SIZE, atomicEnter, atomicExit, type Cpu } from '@percpu-lab/machine';
import { pcpuAllocAreaSearch, pcpuClaimArea, pcpuFindBlockFit, pcpuFreeArea } from './area.js';
import { takeWordsScanned, findNextBit, findNextZeroBit } from './bitmap.js';
import { pcpuBlockUpdateScan } from './hints.js';
import { pcpuChunkPopulated, pcpuCreateChunk, pcpuPopulateChunk } from './chunk.js';
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
import { HIST_BUCKETS, ListHead, PcpuChunk as C, PcpuGlobals as G } from './layout.js';
import { listEmpty, pcpuChunkMove, pcpuChunkRelocate, pcpuReintegrateChunk, pcpuSizeToSlot } from './slots.js';
import { pcpuScheduleBalanceWork } from './balance.js';

/** A placement the replayer imposes: claim this chunk's bit offset instead of the model's choice. */
export interface ForcedPlacement {
  chunk: number;
  bitOff: number;
}

function isPowerOf2(x: number): boolean {
  return x > 0 && (x & (x - 1)) === 0;
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
  const m = p.mem;
  const bits = size >>> PCPU_MIN_ALLOC_SHIFT;
  const bitAlign = align >>> PCPU_MIN_ALLOC_SHIFT;
  if (reserved && p.reservedChunk !== 0) return fitIn(p, p.reservedChunk, bits, bitAlign, isAtomic) ? p.reservedChunk : 0;
  for (let slot = pcpuSizeToSlot(p, size); slot <= p.freeSlot; slot++) {
    const head = p.slotHead(slot);
    for (let pos = ListHead.next.get(m, head); pos !== head; ) {
      const next = ListHead.next.get(m, pos);
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

/** pcpu_stats_area_alloc (under pcpu_lock), plus the size histogram. */
function statsAreaAlloc(p: PcpuCtx, chunk: number, size: number): void {
  const m = p.mem;
  const g = p.g;
  G.nrAlloc.set(m, g, G.nrAlloc.get(m, g) + 1);
  const cur = G.nrCurAlloc.get(m, g) + 1;
  G.nrCurAlloc.set(m, g, cur);
  if (cur > G.nrMaxAlloc.get(m, g)) G.nrMaxAlloc.set(m, g, cur);
  if (size < G.minAllocSize.get(m, g)) G.minAllocSize.set(m, g, size);
  if (size > G.maxAllocSize.get(m, g)) G.maxAllocSize.set(m, g, size);
  C.nrAlloc.set(m, chunk, C.nrAlloc.get(m, chunk) + 1);
  if (size > C.maxAllocSize.get(m, chunk)) C.maxAllocSize.set(m, chunk, size);
  const bucket = Math.min(HIST_BUCKETS - 1, 30 - Math.clz32(size - 1));
  const h = (G.histogram.addr(g) >> 3) + bucket;
  m.f64[h]! += 1;
}

/** memset(per_cpu_ptr(area, cpu), 0, size) for every possible CPU. */
function zeroArea(p: PcpuCtx, cpu: Cpu, chunk: number, off: number, size: number): void {
  const i32 = p.i32;
  const n = p.nrUnits;
  const pt = C.pageTable.get(p.mem, chunk) >> 2;
  for (let o = off, end = off + size; o < end; ) {
    const pageOff = o & (PAGE_SIZE - 1);
    const len = Math.min(end - o, PAGE_SIZE - pageOff);
    const row = pt + (o >>> PAGE_SHIFT) * n;
    for (let u = 0; u < n; u++) {
      const a = i32[row + u]! + pageOff;
      if (len <= 64) for (let w = a >> 2, e = (a + len) >> 2; w < e; w++) i32[w] = 0;
      else p.mem.u8.fill(0, a, a + len);
    }
    o += len;
  }
  cpu.cost('zeroByte', size * n);
}

/**
 * pcpu_alloc: a percpu pointer to `size` zeroed bytes in every unit, aligned
 * to `align`, or 0. `forced` is for the replayer only (see ForcedPlacement).
 */
export function pcpuAlloc(
  p: PcpuCtx,
  cpu: Cpu,
  size: number,
  align: number,
  reserved: boolean,
  gfp: number,
  forced: ForcedPlacement | null,
): number {
  const m = p.mem;
  const isAtomic = !gfpAllowsBlocking(gfp);
  if (align < PCPU_MIN_ALLOC_SIZE) align = PCPU_MIN_ALLOC_SIZE;
  // ALIGN(size, 4); the float form only for sizes that are not small integers.
  size = (size | 0) === size && size > 0 ? (size + PCPU_MIN_ALLOC_SIZE - 1) & -PCPU_MIN_ALLOC_SIZE : Math.ceil(size / PCPU_MIN_ALLOC_SIZE) * PCPU_MIN_ALLOC_SIZE;
  if (!(size > 0 && size <= PCPU_MIN_UNIT_SIZE && align <= PAGE_SIZE && isPowerOf2(align))) {
    // WARN(do_warn, "illegal size (%zu) or align (%zu) for percpu allocation")
    if ((gfp & __GFP_NOWARN) === 0) G.nrWarnings.add(m, p.g, 1);
    return 0;
  }
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
      // The rest of pcpu_alloc_area: note the skipped area, claim.
      if (p.largest.bits !== 0) pcpuBlockUpdateScan(p, chunk, p.largest.off, p.largest.bits);
      if (forced === null) pcpuClaimArea(p, chunk, p.foundBitOff, bits);
      break;
    }
    // The kernel found room where the model found none: take it there.
    if (forced !== null) break;
    if (reserved && p.reservedChunk !== 0) return fail(p, cpu, isAtomic, true);
    p.pcpuLock.unlock(cpu);
    if (isAtomic) return fail(p, cpu, isAtomic, false);
    // No space left: create a chunk unless a free one exists, and retry.
    if (listEmpty(m, p.slotHead(p.freeSlot))) {
      const fresh = pcpuCreateChunk(p, cpu);
      if (fresh === 0) return fail(p, cpu, isAtomic, false);
      p.pcpuLock.lock(cpu);
      pcpuChunkRelocate(p, fresh, -1);
    } else {
      p.pcpuLock.lock(cpu);
    }
  }
  let off = p.foundBitOff << PCPU_MIN_ALLOC_SHIFT;
  if (forced !== null) {
    chunk = forced.chunk;
    off = forced.bitOff << PCPU_MIN_ALLOC_SHIFT;
    pcpuClaimArea(p, chunk, forced.bitOff, bits);
  }
  if (!reserved || p.reservedChunk === 0) pcpuReintegrateChunk(p, chunk);

  statsAreaAlloc(p, chunk, size);
  p.pcpuLock.unlock(cpu);

  if (!isAtomic) {
    // Populate whatever the area covers that is not backed yet.
    const populated = C.populated.get(m, chunk);
    const pageEnd = (off + size + PAGE_SIZE - 1) >>> PAGE_SHIFT;
    for (let rs = off >>> PAGE_SHIFT; ; ) {
      rs = findNextZeroBit(p.u32, populated, pageEnd, rs);
      const re = findNextBit(p.u32, populated, pageEnd, rs + 1);
      if (rs >= pageEnd) break;
      const ok = pcpuPopulateChunk(p, cpu, chunk, rs, re);
      p.pcpuLock.lock(cpu);
      if (!ok) {
        pcpuFreeArea(p, chunk, off);
        return fail(p, cpu, isAtomic, true);
      }
      pcpuChunkPopulated(p, chunk, rs, re);
      p.pcpuLock.unlock(cpu);
      rs = re + 1;
    }
    p.allocMutex.unlock(cpu);
  } else {
    atomicExit(cpu);
  }

  if (G.nrEmptyPopPages.get(m, p.g) < PCPU_EMPTY_POP_PAGES_LOW) pcpuScheduleBalanceWork(p);
  zeroArea(p, cpu, chunk, off, size);
  cpu.cost('bitmapWord', takeWordsScanned());
  return C.id.get(m, chunk) * p.vaSpan + off;
}

/**
 * The fail/fail_unlock exit of pcpu_alloc: count it; an atomic failure asks
 * balance work to populate more; a sleeping request drops the mutex.
 */
function fail(p: PcpuCtx, cpu: Cpu, isAtomic: boolean, locked: boolean): number {
  const m = p.mem;
  if (locked) p.pcpuLock.unlock(cpu);
  G.nrFailed.add(m, p.g, 1);
  if (isAtomic) {
    G.atomicAllocFailed.set(m, p.g, 1);
    pcpuScheduleBalanceWork(p);
    atomicExit(cpu);
  } else {
    p.allocMutex.unlock(cpu);
  }
  cpu.cost('bitmapWord', takeWordsScanned());
  return 0;
}
