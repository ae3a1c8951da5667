// Finding and claiming an area inside one chunk (mm/percpu.c:
// pcpu_is_populated, pcpu_find_block_fit, pcpu_find_zero_area,
// pcpu_alloc_area, pcpu_free_area). pcpuFindBlockFit walks the block hints
// to an offset from which an area is guaranteed to fit, skipping whatever
// the hints rule out (so it is not plain first fit); pcpu_alloc_area then
// scans the bitmap from there for the exact, aligned area and claims it.
// Callers hold pcpu_lock.
import { PAGE_SHIFT } from '@percpu-lab/machine';
import { bitmapClear, bitmapSet, findNextBit, findNextZeroBit, setBit } from './bitmap.js';
import { PCPU_BITMAP_BLOCK_BITS as BLOCK_BITS, PCPU_MIN_ALLOC_SHIFT, PCPU_MIN_ALLOC_SIZE } from './constants.js';
import type { PcpuMem, Region } from './context.js';
import {
  chunkMapBits,
  pcpuBlockUpdateHintAlloc,
  pcpuBlockUpdateHintFree,
  pcpuCheckBlockHint,
  pcpuNextFitRegion,
  pcpuNextHint,
} from './hints.js';
import { BMD, CHUNK, CHUNK_MD, GLOBAL_F64, PcpuChunk as C } from './layout.js';
import { pcpuChunkRelocate, pcpuChunkSlot } from './slots.js';

// Field indices from layout.ts, as module constants (layout.ts says why).
const { firstFree: MD_FIRST_FREE } = BMD;
const {
  allocMap: CHUNK_ALLOC_MAP, boundMap: CHUNK_BOUND_MAP, freeBytes: CHUNK_FREE_BYTES,
  nrAlloc: CHUNK_NR_ALLOC, populated: CHUNK_POPULATED,
} = CHUNK;
const { nrCurAlloc: G64_NR_CUR_ALLOC, nrDealloc: G64_NR_DEALLOC } = GLOBAL_F64;

/** Bits per page: populated-bitmap arithmetic. */
const PAGE_BITS_SHIFT = PAGE_SHIFT - PCPU_MIN_ALLOC_SHIFT;

/**
 * pcpu_is_populated: are the pages under [bitOff, bitOff + bits) all
 * populated? If not, r.off is set past the unpopulated run so the search
 * can resume there.
 */
function pcpuIsPopulated(p: PcpuMem, chunk: number, bitOff: number, bits: number, r: Region): boolean {
  const populated = p.i32[(chunk >> 2) + CHUNK_POPULATED]!;
  const pageStart = bitOff >>> PAGE_BITS_SHIFT;
  let end = (bitOff + bits + (1 << PAGE_BITS_SHIFT) - 1) >>> PAGE_BITS_SHIFT;
  const start = findNextZeroBit(p.u32, populated, end, pageStart);
  if (start >= end) return true;
  end = findNextBit(p.u32, populated, end, start + 1);
  r.off = end << PAGE_BITS_SHIFT;
  return false;
}

/**
 * pcpu_find_block_fit: the bit offset to start the exact search from, or -1.
 * A request that does not fit the chunk's contig hint fails at once (the
 * kernel assumes pressure and a new chunk soon). popOnly (atomic requests)
 * accepts only regions whose pages are already populated.
 */
export function pcpuFindBlockFit(p: PcpuMem, chunk: number, allocBits: number, align: number, popOnly: boolean): number {
  const m = p.mem;
  const md = C.chunkMd.addr(chunk);
  if (!pcpuCheckBlockHint(m, md, allocBits, align)) return -1;
  const r = p.region;
  const mapBits = chunkMapBits(m, chunk);
  r.off = pcpuNextHint(m, md, allocBits);
  r.bits = 0;
  for (pcpuNextFitRegion(m, chunk, allocBits, align, r); r.off < mapBits; pcpuNextFitRegion(m, chunk, allocBits, align, r)) {
    if (!popOnly || pcpuIsPopulated(p, chunk, r.off, r.bits, r)) break;
    r.bits = 0;
  }
  return r.off === mapBits ? -1 : r.off;
}

/**
 * pcpu_find_zero_area (bitmap_find_next_zero_area_off remembering the
 * largest area it had to skip, in p.largest): first aligned run of nr clear
 * bits at or after start; a value past size means none.
 */
export function pcpuFindZeroArea(p: PcpuMem, map: number, size: number, start: number, nr: number, alignMask: number): number {
  const u32 = p.u32;
  const largest = p.largest;
  for (;;) {
    let index = findNextZeroBit(u32, map, size, start);
    index = (index + alignMask) & ~alignMask;
    const end = index + nr;
    if (end > size) return end;
    const i = findNextBit(u32, map, end, index);
    if (i >= end) return index;
    const areaBits = i - index;
    if (
      areaBits > largest.bits ||
      (areaBits === largest.bits && largest.off !== 0 && (index === 0 || ctz(index) > ctz(largest.off)))
    ) {
      largest.off = index;
      largest.bits = areaBits;
    }
    start = i + 1;
  }
}

function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * The search half of pcpu_alloc_area: where the area goes when searching
 * from `start` (pcpuFindBlockFit's answer, looking at most a block past the
 * fit), without claiming it; -1 if it does not fit. The largest skipped area
 * is left in p.largest for pcpu_block_update_scan. pcpuAlloc then claims it
 * with pcpuClaimArea.
 */
export function pcpuAllocAreaSearch(p: PcpuMem, chunk: number, allocBits: number, align: number, start: number): number {
  const end = Math.min(start + allocBits + BLOCK_BITS, chunkMapBits(p.mem, chunk));
  p.largest.off = 0;
  p.largest.bits = 0;
  const bitOff = pcpuFindZeroArea(p, p.i32[(chunk >> 2) + CHUNK_ALLOC_MAP]!, end, start, allocBits, align - 1);
  return bitOff >= end ? -1 : bitOff;
}

/**
 * The claiming half of pcpu_alloc_area: mark [bitOff, bitOff + allocBits)
 * allocated and update everything that depends on it. The replayer also
 * uses it to place an allocation where the kernel did (--resync).
 */
export function pcpuClaimArea(p: PcpuMem, chunk: number, bitOff: number, allocBits: number): void {
  const i32 = p.i32;
  const u32 = p.u32;
  const c = chunk >> 2;
  const oslot = pcpuChunkSlot(p, chunk);
  const allocMap = i32[c + CHUNK_ALLOC_MAP]!;
  const boundMap = i32[c + CHUNK_BOUND_MAP]!;
  bitmapSet(u32, allocMap, bitOff, allocBits);
  setBit(u32, boundMap, bitOff);
  bitmapClear(u32, boundMap, bitOff + 1, allocBits - 1);
  setBit(u32, boundMap, bitOff + allocBits);
  i32[c + CHUNK_FREE_BYTES]! -= allocBits * PCPU_MIN_ALLOC_SIZE;
  if (bitOff === i32[c + CHUNK_MD + MD_FIRST_FREE]) {
    i32[c + CHUNK_MD + MD_FIRST_FREE] = findNextZeroBit(u32, allocMap, chunkMapBits(p.mem, chunk), bitOff + allocBits);
  }
  pcpuBlockUpdateHintAlloc(p, chunk, bitOff, allocBits);
  pcpuChunkRelocate(p, chunk, oslot);
}

/**
 * pcpu_free_area: the bound map gives the size; clear the bits, merge the
 * hints, relocate. Returns the bytes freed. The caller has checked that
 * `off` starts a live allocation.
 */
export function pcpuFreeArea(p: PcpuMem, chunk: number, off: number): number {
  const i32 = p.i32;
  const f64 = p.mem.f64;
  const c = chunk >> 2;
  const g = p.g >> 3;
  // pcpu_stats_area_dealloc
  f64[g + G64_NR_DEALLOC]! += 1;
  f64[g + G64_NR_CUR_ALLOC]! -= 1;
  i32[c + CHUNK_NR_ALLOC]! -= 1;
  const oslot = pcpuChunkSlot(p, chunk);
  const bitOff = off >>> PCPU_MIN_ALLOC_SHIFT;
  const end = findNextBit(p.u32, i32[c + CHUNK_BOUND_MAP]!, chunkMapBits(p.mem, chunk), bitOff + 1);
  const bits = end - bitOff;
  bitmapClear(p.u32, i32[c + CHUNK_ALLOC_MAP]!, bitOff, bits);
  const freed = bits * PCPU_MIN_ALLOC_SIZE;
  i32[c + CHUNK_FREE_BYTES]! += freed;
  if (bitOff < i32[c + CHUNK_MD + MD_FIRST_FREE]!) i32[c + CHUNK_MD + MD_FIRST_FREE] = bitOff;
  pcpuBlockUpdateHintFree(p, chunk, bitOff, bits);
  pcpuChunkRelocate(p, chunk, oslot);
  return freed;
}
