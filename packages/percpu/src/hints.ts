// Block hints (mm/percpu.c: pcpu_block_update, pcpu_block_update_scan,
// pcpu_block_refresh_hint, pcpu_chunk_refresh_hint, pcpu_block_update_hint_alloc,
// pcpu_block_update_hint_free, pcpu_next_md_free_region, pcpu_next_fit_region,
// pcpu_next_hint, pcpu_check_block_hint), carried over statement for
// statement because the hints decide placement: the fit search trusts them
// and skips whatever they rule out, so a hint the kernel leaves stale must be
// left stale here too, or allocations land elsewhere.
//
// All offsets and sizes are in bitmap bits (4 bytes each). A chunk's bitmap
// is split into page-sized blocks of PCPU_BITMAP_BLOCK_BITS bits, each with a
// pcpu_block_md; chunk_md is the same summary for the whole chunk.
// Callers hold pcpu_lock (or are booting).
import type { KernelMemory } from '@percpu-lab/machine';
import { findLastBit, findNextBit, findNextZeroBit } from './bitmap.js';
import { PCPU_BITMAP_BLOCK_BITS as BLOCK_BITS, PCPU_BITMAP_BLOCK_SHIFT as BLOCK_SHIFT } from './constants.js';
import type { PcpuMem, Region } from './context.js';
import { BlockMd as B, BMD, CHUNK, CHUNK_MD, GLOBAL, PcpuChunk as C } from './layout.js';

// Field indices from layout.ts, as module constants (layout.ts says why).
const {
  contigHint: MD_CONTIG_HINT, contigHintStart: MD_CONTIG_HINT_START, firstFree: MD_FIRST_FREE,
  leftFree: MD_LEFT_FREE, nrBits: MD_NR_BITS, rightFree: MD_RIGHT_FREE, scanHint: MD_SCAN_HINT,
  scanHintStart: MD_SCAN_HINT_START,
} = BMD;
const {
  allocMap: CHUNK_ALLOC_MAP, isolated: CHUNK_ISOLATED, mdBlocks: CHUNK_MD_BLOCKS,
  nrEmptyPopPages: CHUNK_NR_EMPTY_POP_PAGES, nrPages: CHUNK_NR_PAGES,
} = CHUNK;
const { nrEmptyPopPages: G_NR_EMPTY_POP_PAGES } = GLOBAL;

/** Bytes of alloc_map per block. */
const BLOCK_MAP_BYTES = BLOCK_BITS >> 3;
/** Words of one pcpu_block_md. */
const BLOCK_WORDS = B.size >> 2;

function ffs(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function alignUp(x: number, align: number): number {
  return (x + align - 1) & -align;
}

/** Address of md_blocks[index]. */
export function blockAddr(m: KernelMemory, chunk: number, index: number): number {
  return m.i32[(chunk >> 2) + CHUNK_MD_BLOCKS]! + index * B.size;
}

export function chunkMapBits(m: KernelMemory, chunk: number): number {
  return m.i32[(chunk >> 2) + CHUNK_NR_PAGES]! * BLOCK_BITS;
}

/** pcpu_region_overlap: [a, b) and [x, y) intersect. */
function overlap(a: number, b: number, x: number, y: number): boolean {
  return a < y && x < b;
}

export function pcpuInitMdBlock(m: KernelMemory, block: number, nrBits: number): void {
  B.scanHint.set(m, block, 0);
  B.scanHintStart.set(m, block, 0);
  B.contigHint.set(m, block, nrBits);
  B.contigHintStart.set(m, block, 0);
  B.leftFree.set(m, block, nrBits);
  B.rightFree.set(m, block, nrBits);
  B.firstFree.set(m, block, 0);
  B.nrBits.set(m, block, nrBits);
}

/**
 * pcpu_block_update: fold a known maximal free area [start, end) into a
 * block's hints. Among equal areas the better-aligned start wins; the scan
 * hint remembers the largest area before the contig hint.
 */
export function pcpuBlockUpdate(m: KernelMemory, block: number, start: number, end: number): void {
  const i32 = m.i32;
  const b = block >> 2;
  const contig = end - start;
  if (start < i32[b + MD_FIRST_FREE]!) i32[b + MD_FIRST_FREE] = start;
  if (start === 0) i32[b + MD_LEFT_FREE] = contig;
  if (end === i32[b + MD_NR_BITS]) i32[b + MD_RIGHT_FREE] = contig;

  const contigHint = i32[b + MD_CONTIG_HINT]!;
  const contigStart = i32[b + MD_CONTIG_HINT_START]!;
  const scanHint = i32[b + MD_SCAN_HINT]!;
  const scanStart = i32[b + MD_SCAN_HINT_START]!;
  if (contig > contigHint) {
    // The old contig hint becomes the scan hint when it lies before the new one.
    if (start > contigStart) {
      if (contigHint > scanHint) {
        i32[b + MD_SCAN_HINT_START] = contigStart;
        i32[b + MD_SCAN_HINT] = contigHint;
      } else if (start < scanStart) {
        // Old contig == scan; keep scan_hint_start < contig_hint_start.
        i32[b + MD_SCAN_HINT] = 0;
      }
    } else {
      i32[b + MD_SCAN_HINT] = 0;
    }
    i32[b + MD_CONTIG_HINT_START] = start;
    i32[b + MD_CONTIG_HINT] = contig;
  } else if (contig === contigHint) {
    if (contigStart !== 0 && (start === 0 || ffs(start) > ffs(contigStart))) {
      i32[b + MD_CONTIG_HINT_START] = start;
      if (start < scanStart && contigHint > scanHint) i32[b + MD_SCAN_HINT] = 0;
    } else if (start > scanStart || contigHint > scanHint) {
      i32[b + MD_SCAN_HINT_START] = start;
      i32[b + MD_SCAN_HINT] = contig;
    }
  } else if (start < contigStart && (contig > scanHint || (contig === scanHint && start > scanStart))) {
    i32[b + MD_SCAN_HINT_START] = start;
    i32[b + MD_SCAN_HINT] = contig;
  }
}

/**
 * pcpu_block_update_scan: an area the zero-area search skipped (too small or
 * misaligned) may improve the block's scan hint; look backwards for free
 * bits that alignment skipped so the area is maximal.
 */
export function pcpuBlockUpdateScan(p: PcpuMem, chunk: number, bitOff: number, bits: number): void {
  const m = p.mem;
  let sOff = bitOff & (BLOCK_BITS - 1);
  const eOff = sOff + bits;
  if (eOff > BLOCK_BITS) return;
  const sIndex = bitOff >>> BLOCK_SHIFT;
  const map = p.i32[(chunk >> 2) + CHUNK_ALLOC_MAP]! + sIndex * BLOCK_MAP_BYTES;
  const lBit = findLastBit(p.u32, map, sOff);
  sOff = sOff === lBit ? 0 : lBit + 1;
  pcpuBlockUpdate(m, blockAddr(m, chunk, sIndex), sOff, eOff);
}

/**
 * pcpu_block_refresh_hint: rescan a block whose contig hint was broken,
 * starting after the scan hint (promoted to contig) or at first_free.
 */
export function pcpuBlockRefreshHint(p: PcpuMem, chunk: number, index: number): void {
  const m = p.mem;
  const i32 = p.i32;
  const u32 = p.u32;
  const block = blockAddr(m, chunk, index);
  const b = block >> 2;
  const map = i32[(chunk >> 2) + CHUNK_ALLOC_MAP]! + index * BLOCK_MAP_BYTES;
  let start: number;
  const scanHint = i32[b + MD_SCAN_HINT]!;
  if (scanHint !== 0) {
    const scanStart = i32[b + MD_SCAN_HINT_START]!;
    start = scanStart + scanHint;
    i32[b + MD_CONTIG_HINT_START] = scanStart;
    i32[b + MD_CONTIG_HINT] = scanHint;
    i32[b + MD_SCAN_HINT] = 0;
  } else {
    start = i32[b + MD_FIRST_FREE]!;
    i32[b + MD_CONTIG_HINT] = 0;
  }
  i32[b + MD_RIGHT_FREE] = 0;
  for (;;) {
    start = findNextZeroBit(u32, map, BLOCK_BITS, start);
    const end = findNextBit(u32, map, BLOCK_BITS, start + 1);
    if (start >= BLOCK_BITS) break;
    pcpuBlockUpdate(m, block, start, end);
    start = end + 1;
  }
}

/** pcpu_check_block_hint: can `bits` at `align` fit in the contig hint? */
export function pcpuCheckBlockHint(m: KernelMemory, block: number, bits: number, align: number): boolean {
  const i32 = m.i32;
  const b = block >> 2;
  const start = i32[b + MD_CONTIG_HINT_START]!;
  return alignUp(start, align) - start + bits <= i32[b + MD_CONTIG_HINT]!;
}

/**
 * pcpu_next_hint: start scanning at first_free, unless the scan hint is known
 * too small for the request; then start right after it.
 */
export function pcpuNextHint(m: KernelMemory, block: number, allocBits: number): number {
  const i32 = m.i32;
  const b = block >> 2;
  const scanHint = i32[b + MD_SCAN_HINT]!;
  const scanStart = i32[b + MD_SCAN_HINT_START]!;
  if (scanHint !== 0 && i32[b + MD_CONTIG_HINT_START]! > scanStart && allocBits > scanHint) {
    return scanStart + scanHint;
  }
  return i32[b + MD_FIRST_FREE]!;
}

/**
 * pcpu_next_md_free_region: from r.off, the next free area the block hints
 * describe (a block's contig hint, or a run spanning blocks through
 * right_free/left_free). Sets r.off/r.bits.
 */
export function pcpuNextMdFreeRegion(m: KernelMemory, chunk: number, r: Region): void {
  const i32 = m.i32;
  let i = r.off >>> BLOCK_SHIFT;
  let blockOff = r.off & (BLOCK_BITS - 1);
  const nrBlocks = i32[(chunk >> 2) + CHUNK_NR_PAGES]!;
  let b = (i32[(chunk >> 2) + CHUNK_MD_BLOCKS]! >> 2) + i * BLOCK_WORDS;
  r.bits = 0;
  for (; i < nrBlocks; b += BLOCK_WORDS, i++) {
    if (r.bits !== 0) {
      const left = i32[b + MD_LEFT_FREE]!;
      r.bits += left;
      if (left === BLOCK_BITS) continue;
      return;
    }
    const contig = i32[b + MD_CONTIG_HINT]!;
    const contigStart = i32[b + MD_CONTIG_HINT_START]!;
    r.bits = contig;
    if (contig !== 0 && contigStart >= blockOff && contig + contigStart < BLOCK_BITS) {
      r.off = i * BLOCK_BITS + contigStart;
      return;
    }
    blockOff = 0;
    const right = i32[b + MD_RIGHT_FREE]!;
    r.bits = right;
    r.off = (i + 1) * BLOCK_BITS - right;
  }
}

/**
 * pcpu_next_fit_region: from r.off, the next area the hints say can hold
 * allocBits at align. For a fit inside one block's contig hint it returns
 * the block's first_free (or the end of its scan hint), so the exact search
 * tries earlier holes first. Sets r.off/r.bits; r.off = map bits when none.
 */
export function pcpuNextFitRegion(m: KernelMemory, chunk: number, allocBits: number, align: number, r: Region): void {
  const i32 = m.i32;
  let i = r.off >>> BLOCK_SHIFT;
  let blockOff = r.off & (BLOCK_BITS - 1);
  const nrBlocks = i32[(chunk >> 2) + CHUNK_NR_PAGES]!;
  const blocks = i32[(chunk >> 2) + CHUNK_MD_BLOCKS]!;
  let b = (blocks >> 2) + i * BLOCK_WORDS;
  r.bits = 0;
  for (; i < nrBlocks; b += BLOCK_WORDS, i++) {
    if (r.bits !== 0) {
      const left = i32[b + MD_LEFT_FREE]!;
      r.bits += left;
      if (r.bits >= allocBits) return;
      if (left === BLOCK_BITS) continue;
    }
    const contig = i32[b + MD_CONTIG_HINT]!;
    const contigStart = i32[b + MD_CONTIG_HINT_START]!;
    r.bits = alignUp(contigStart, align) - contigStart;
    if (contig !== 0 && contigStart >= blockOff && contig >= r.bits + allocBits) {
      const start = pcpuNextHint(m, blocks + i * B.size, allocBits);
      r.bits += allocBits + contigStart - start;
      r.off = i * BLOCK_BITS + start;
      return;
    }
    blockOff = 0;
    const off = alignUp(BLOCK_BITS - i32[b + MD_RIGHT_FREE]!, align);
    r.bits = BLOCK_BITS - off;
    r.off = i * BLOCK_BITS + off;
    if (r.bits >= allocBits) return;
  }
  r.off = nrBlocks * BLOCK_BITS;
}

/**
 * pcpu_chunk_refresh_hint: recompute chunk_md from the block hints, from the
 * start (fullScan) or, on the alloc path, from the end of the scan hint,
 * which is then promoted to contig hint.
 */
export function pcpuChunkRefreshHint(p: PcpuMem, chunk: number, fullScan: boolean): void {
  const m = p.mem;
  const i32 = p.i32;
  const md = C.chunkMd.addr(chunk);
  const mw = md >> 2;
  const r = p.region;
  const scanHint = i32[mw + MD_SCAN_HINT]!;
  if (!fullScan && scanHint !== 0) {
    const scanStart = i32[mw + MD_SCAN_HINT_START]!;
    r.off = scanStart + scanHint;
    i32[mw + MD_CONTIG_HINT_START] = scanStart;
    i32[mw + MD_CONTIG_HINT] = scanHint;
    i32[mw + MD_SCAN_HINT] = 0;
  } else {
    r.off = i32[mw + MD_FIRST_FREE]!;
    i32[mw + MD_CONTIG_HINT] = 0;
  }
  const mapBits = chunkMapBits(m, chunk);
  r.bits = 0;
  for (pcpuNextMdFreeRegion(m, chunk, r); r.off < mapBits; r.off += r.bits + 1, pcpuNextMdFreeRegion(m, chunk, r)) {
    pcpuBlockUpdate(m, md, r.off, r.off + r.bits);
  }
}

/**
 * pcpu_update_empty_pages: a block is a page, so a block going from wholly
 * free to used (or back) changes the empty populated page counts. The
 * reserved chunk and isolated chunks do not count globally.
 */
export function pcpuUpdateEmptyPages(p: PcpuMem, chunk: number, nr: number): void {
  const i32 = p.i32;
  const c = chunk >> 2;
  i32[c + CHUNK_NR_EMPTY_POP_PAGES]! += nr;
  if (chunk !== p.reservedChunk && i32[c + CHUNK_ISOLATED] === 0) i32[(p.g >> 2) + G_NR_EMPTY_POP_PAGES]! += nr;
}

/**
 * pcpu_block_update_hint_alloc: [bitOff, bitOff + bits) was just allocated.
 * Blocks are rescanned only if their contig hint was broken, the chunk only
 * if its contig hint was.
 */
export function pcpuBlockUpdateHintAlloc(p: PcpuMem, chunk: number, bitOff: number, bits: number): void {
  const m = p.mem;
  const i32 = p.i32;
  const u32 = p.u32;
  const mw = (chunk >> 2) + CHUNK_MD;
  const allocMap = i32[(chunk >> 2) + CHUNK_ALLOC_MAP]!;
  let nrEmptyPages = 0;
  const sIndex = bitOff >>> BLOCK_SHIFT;
  const eIndex = (bitOff + bits - 1) >>> BLOCK_SHIFT;
  const sOff = bitOff & (BLOCK_BITS - 1);
  const eOff = ((bitOff + bits - 1) & (BLOCK_BITS - 1)) + 1;
  const s = blockAddr(m, chunk, sIndex) >> 2;
  let e = blockAddr(m, chunk, eIndex) >> 2;

  // s_block
  if (i32[s + MD_CONTIG_HINT] === BLOCK_BITS) nrEmptyPages++;
  if (sOff === i32[s + MD_FIRST_FREE]) {
    i32[s + MD_FIRST_FREE] = findNextZeroBit(u32, allocMap + sIndex * BLOCK_MAP_BYTES, BLOCK_BITS, sOff + bits);
  }
  const sScanStart = i32[s + MD_SCAN_HINT_START]!;
  if (overlap(sScanStart, sScanStart + i32[s + MD_SCAN_HINT]!, sOff, sOff + bits)) i32[s + MD_SCAN_HINT] = 0;
  const sContigStart = i32[s + MD_CONTIG_HINT_START]!;
  if (overlap(sContigStart, sContigStart + i32[s + MD_CONTIG_HINT]!, sOff, sOff + bits)) {
    if (sOff === 0) i32[s + MD_LEFT_FREE] = 0;
    pcpuBlockRefreshHint(p, chunk, sIndex);
  } else {
    i32[s + MD_LEFT_FREE] = Math.min(i32[s + MD_LEFT_FREE]!, sOff);
    if (sIndex === eIndex) i32[s + MD_RIGHT_FREE] = Math.min(i32[s + MD_RIGHT_FREE]!, BLOCK_BITS - eOff);
    else i32[s + MD_RIGHT_FREE] = 0;
  }

  // e_block, when the allocation spans blocks
  if (sIndex !== eIndex) {
    if (i32[e + MD_CONTIG_HINT] === BLOCK_BITS) nrEmptyPages++;
    i32[e + MD_FIRST_FREE] = findNextZeroBit(u32, allocMap + eIndex * BLOCK_MAP_BYTES, BLOCK_BITS, eOff);
    if (eOff === BLOCK_BITS) {
      // Wholly used: reset it with the blocks in between.
      e += BLOCK_WORDS;
    } else {
      if (eOff > i32[e + MD_SCAN_HINT_START]!) i32[e + MD_SCAN_HINT] = 0;
      i32[e + MD_LEFT_FREE] = 0;
      if (eOff > i32[e + MD_CONTIG_HINT_START]!) {
        pcpuBlockRefreshHint(p, chunk, eIndex);
      } else {
        i32[e + MD_RIGHT_FREE] = Math.min(i32[e + MD_RIGHT_FREE]!, BLOCK_BITS - eOff);
      }
    }
    nrEmptyPages += eIndex - sIndex - 1;
    for (let b = s + BLOCK_WORDS; b < e; b += BLOCK_WORDS) {
      i32[b + MD_SCAN_HINT] = 0;
      i32[b + MD_CONTIG_HINT] = 0;
      i32[b + MD_LEFT_FREE] = 0;
      i32[b + MD_RIGHT_FREE] = 0;
    }
  }

  // Pages of a not-yet-populated area count here too; population adds them back.
  if (nrEmptyPages !== 0) pcpuUpdateEmptyPages(p, chunk, -nrEmptyPages);

  const scanStart = i32[mw + MD_SCAN_HINT_START]!;
  if (overlap(scanStart, scanStart + i32[mw + MD_SCAN_HINT]!, bitOff, bitOff + bits)) i32[mw + MD_SCAN_HINT] = 0;
  const contigStart = i32[mw + MD_CONTIG_HINT_START]!;
  if (overlap(contigStart, contigStart + i32[mw + MD_CONTIG_HINT]!, bitOff, bitOff + bits)) {
    pcpuChunkRefreshHint(p, chunk, false);
  }
}

/**
 * pcpu_block_update_hint_free: [bitOff, bitOff + bits) was just freed. Find
 * the whole free area around it (from the contig hints when they touch it,
 * else by scanning, bounded by the edge blocks), update those blocks, reset
 * the blocks in between, and refresh chunk_md with a full scan only when a
 * page became free or the area spans blocks.
 */
export function pcpuBlockUpdateHintFree(p: PcpuMem, chunk: number, bitOff: number, bits: number): void {
  const m = p.mem;
  const i32 = p.i32;
  const u32 = p.u32;
  const allocMap = i32[(chunk >> 2) + CHUNK_ALLOC_MAP]!;
  let nrEmptyPages = 0;
  const sIndex = bitOff >>> BLOCK_SHIFT;
  const eIndex = (bitOff + bits - 1) >>> BLOCK_SHIFT;
  const sOff = bitOff & (BLOCK_BITS - 1);
  let eOff = ((bitOff + bits - 1) & (BLOCK_BITS - 1)) + 1;
  const sBlock = blockAddr(m, chunk, sIndex);
  const eBlock = blockAddr(m, chunk, eIndex);
  const s = sBlock >> 2;
  const e = eBlock >> 2;

  let start = sOff;
  if (sOff === i32[s + MD_CONTIG_HINT]! + i32[s + MD_CONTIG_HINT_START]!) {
    start = i32[s + MD_CONTIG_HINT_START]!;
  } else {
    const lBit = findLastBit(u32, allocMap + sIndex * BLOCK_MAP_BYTES, start);
    start = start === lBit ? 0 : lBit + 1;
  }
  let end: number;
  if (eOff === i32[e + MD_CONTIG_HINT_START]) {
    end = i32[e + MD_CONTIG_HINT_START]! + i32[e + MD_CONTIG_HINT]!;
  } else {
    end = findNextBit(u32, allocMap + eIndex * BLOCK_MAP_BYTES, BLOCK_BITS, eOff);
  }

  eOff = sIndex === eIndex ? end : BLOCK_BITS;
  if (start === 0 && eOff === BLOCK_BITS) nrEmptyPages++;
  pcpuBlockUpdate(m, sBlock, start, eOff);

  if (sIndex !== eIndex) {
    if (end === BLOCK_BITS) nrEmptyPages++;
    pcpuBlockUpdate(m, eBlock, 0, end);
    nrEmptyPages += eIndex - sIndex - 1;
    for (let b = s + BLOCK_WORDS; b < e; b += BLOCK_WORDS) {
      i32[b + MD_FIRST_FREE] = 0;
      i32[b + MD_SCAN_HINT] = 0;
      i32[b + MD_CONTIG_HINT_START] = 0;
      i32[b + MD_CONTIG_HINT] = BLOCK_BITS;
      i32[b + MD_LEFT_FREE] = BLOCK_BITS;
      i32[b + MD_RIGHT_FREE] = BLOCK_BITS;
    }
  }

  if (nrEmptyPages !== 0) pcpuUpdateEmptyPages(p, chunk, nrEmptyPages);

  // A page became free or the area spans blocks: rescan chunk_md. Otherwise
  // fold the area in; the kernel passes the start as a chunk offset but the
  // end as a block offset, so for every block but the first only first_free
  // can change and the chunk's contig hint stays as it was (low). Kept,
  // because the fit search and the slot a chunk sits in follow that hint.
  if (end - start >= BLOCK_BITS || sIndex !== eIndex) {
    pcpuChunkRefreshHint(p, chunk, true);
  } else {
    pcpuBlockUpdate(m, C.chunkMd.addr(chunk), sIndex * BLOCK_BITS + start, end);
  }
}
