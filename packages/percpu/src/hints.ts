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
import { BlockMd as B, PcpuChunk as C, PcpuGlobals as G } from './layout.js';

/** Bytes of alloc_map per block. */
const BLOCK_MAP_BYTES = BLOCK_BITS >> 3;

function ffs(x: number): number {
  return 31 - Math.clz32(x & -x);
}

function alignUp(x: number, align: number): number {
  return (x + align - 1) & -align;
}

/** Address of md_blocks[index]. */
export function blockAddr(m: KernelMemory, chunk: number, index: number): number {
  return C.mdBlocks.get(m, chunk) + index * B.size;
}

export function chunkMapBits(m: KernelMemory, chunk: number): number {
  return C.nrPages.get(m, chunk) * BLOCK_BITS;
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
  const contig = end - start;
  if (start < B.firstFree.get(m, block)) B.firstFree.set(m, block, start);
  if (start === 0) B.leftFree.set(m, block, contig);
  if (end === B.nrBits.get(m, block)) B.rightFree.set(m, block, contig);

  const contigHint = B.contigHint.get(m, block);
  const contigStart = B.contigHintStart.get(m, block);
  const scanHint = B.scanHint.get(m, block);
  const scanStart = B.scanHintStart.get(m, block);
  if (contig > contigHint) {
    // The old contig hint becomes the scan hint when it lies before the new one.
    if (start > contigStart) {
      if (contigHint > scanHint) {
        B.scanHintStart.set(m, block, contigStart);
        B.scanHint.set(m, block, contigHint);
      } else if (start < scanStart) {
        // Old contig == scan; keep scan_hint_start < contig_hint_start.
        B.scanHint.set(m, block, 0);
      }
    } else {
      B.scanHint.set(m, block, 0);
    }
    B.contigHintStart.set(m, block, start);
    B.contigHint.set(m, block, contig);
  } else if (contig === contigHint) {
    if (contigStart !== 0 && (start === 0 || ffs(start) > ffs(contigStart))) {
      B.contigHintStart.set(m, block, start);
      if (start < scanStart && contigHint > scanHint) B.scanHint.set(m, block, 0);
    } else if (start > scanStart || contigHint > scanHint) {
      B.scanHintStart.set(m, block, start);
      B.scanHint.set(m, block, contig);
    }
  } else if (start < contigStart && (contig > scanHint || (contig === scanHint && start > scanStart))) {
    B.scanHintStart.set(m, block, start);
    B.scanHint.set(m, block, contig);
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
  const map = C.allocMap.get(m, chunk) + sIndex * BLOCK_MAP_BYTES;
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
  const u32 = p.u32;
  const block = blockAddr(m, chunk, index);
  const map = C.allocMap.get(m, chunk) + index * BLOCK_MAP_BYTES;
  let start: number;
  const scanHint = B.scanHint.get(m, block);
  if (scanHint !== 0) {
    start = B.scanHintStart.get(m, block) + scanHint;
    B.contigHintStart.set(m, block, B.scanHintStart.get(m, block));
    B.contigHint.set(m, block, scanHint);
    B.scanHint.set(m, block, 0);
  } else {
    start = B.firstFree.get(m, block);
    B.contigHint.set(m, block, 0);
  }
  B.rightFree.set(m, block, 0);
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
  const start = B.contigHintStart.get(m, block);
  return alignUp(start, align) - start + bits <= B.contigHint.get(m, block);
}

/**
 * pcpu_next_hint: start scanning at first_free, unless the scan hint is known
 * too small for the request; then start right after it.
 */
export function pcpuNextHint(m: KernelMemory, block: number, allocBits: number): number {
  const scanHint = B.scanHint.get(m, block);
  const scanStart = B.scanHintStart.get(m, block);
  if (scanHint !== 0 && B.contigHintStart.get(m, block) > scanStart && allocBits > scanHint) {
    return scanStart + scanHint;
  }
  return B.firstFree.get(m, block);
}

/**
 * pcpu_next_md_free_region: from r.off, the next free area the block hints
 * describe (a block's contig hint, or a run spanning blocks through
 * right_free/left_free). Sets r.off/r.bits.
 */
export function pcpuNextMdFreeRegion(m: KernelMemory, chunk: number, r: Region): void {
  let i = r.off >>> BLOCK_SHIFT;
  let blockOff = r.off & (BLOCK_BITS - 1);
  const nrBlocks = C.nrPages.get(m, chunk);
  let block = C.mdBlocks.get(m, chunk) + i * B.size;
  r.bits = 0;
  for (; i < nrBlocks; block += B.size, i++) {
    if (r.bits !== 0) {
      const left = B.leftFree.get(m, block);
      r.bits += left;
      if (left === BLOCK_BITS) continue;
      return;
    }
    const contig = B.contigHint.get(m, block);
    const contigStart = B.contigHintStart.get(m, block);
    r.bits = contig;
    if (contig !== 0 && contigStart >= blockOff && contig + contigStart < BLOCK_BITS) {
      r.off = i * BLOCK_BITS + contigStart;
      return;
    }
    blockOff = 0;
    const right = B.rightFree.get(m, block);
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
  let i = r.off >>> BLOCK_SHIFT;
  let blockOff = r.off & (BLOCK_BITS - 1);
  const nrBlocks = C.nrPages.get(m, chunk);
  let block = C.mdBlocks.get(m, chunk) + i * B.size;
  r.bits = 0;
  for (; i < nrBlocks; block += B.size, i++) {
    if (r.bits !== 0) {
      const left = B.leftFree.get(m, block);
      r.bits += left;
      if (r.bits >= allocBits) return;
      if (left === BLOCK_BITS) continue;
    }
    const contig = B.contigHint.get(m, block);
    const contigStart = B.contigHintStart.get(m, block);
    r.bits = alignUp(contigStart, align) - contigStart;
    if (contig !== 0 && contigStart >= blockOff && contig >= r.bits + allocBits) {
      const start = pcpuNextHint(m, block, allocBits);
      r.bits += allocBits + contigStart - start;
      r.off = i * BLOCK_BITS + start;
      return;
    }
    blockOff = 0;
    const off = alignUp(BLOCK_BITS - B.rightFree.get(m, block), align);
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
  const md = C.chunkMd.addr(chunk);
  const r = p.region;
  const scanHint = B.scanHint.get(m, md);
  if (!fullScan && scanHint !== 0) {
    r.off = B.scanHintStart.get(m, md) + scanHint;
    B.contigHintStart.set(m, md, B.scanHintStart.get(m, md));
    B.contigHint.set(m, md, scanHint);
    B.scanHint.set(m, md, 0);
  } else {
    r.off = B.firstFree.get(m, md);
    B.contigHint.set(m, md, 0);
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
  const m = p.mem;
  C.nrEmptyPopPages.set(m, chunk, C.nrEmptyPopPages.get(m, chunk) + nr);
  if (chunk !== p.reservedChunk && C.isolated.get(m, chunk) === 0) {
    G.nrEmptyPopPages.set(m, p.g, G.nrEmptyPopPages.get(m, p.g) + nr);
  }
}

/**
 * pcpu_block_update_hint_alloc: [bitOff, bitOff + bits) was just allocated.
 * Blocks are rescanned only if their contig hint was broken, the chunk only
 * if its contig hint was.
 */
export function pcpuBlockUpdateHintAlloc(p: PcpuMem, chunk: number, bitOff: number, bits: number): void {
  const m = p.mem;
  const u32 = p.u32;
  const md = C.chunkMd.addr(chunk);
  const allocMap = C.allocMap.get(m, chunk);
  let nrEmptyPages = 0;
  const sIndex = bitOff >>> BLOCK_SHIFT;
  const eIndex = (bitOff + bits - 1) >>> BLOCK_SHIFT;
  const sOff = bitOff & (BLOCK_BITS - 1);
  const eOff = ((bitOff + bits - 1) & (BLOCK_BITS - 1)) + 1;
  const sBlock = blockAddr(m, chunk, sIndex);
  let eBlock = blockAddr(m, chunk, eIndex);

  // s_block
  if (B.contigHint.get(m, sBlock) === BLOCK_BITS) nrEmptyPages++;
  if (sOff === B.firstFree.get(m, sBlock)) {
    B.firstFree.set(m, sBlock, findNextZeroBit(u32, allocMap + sIndex * BLOCK_MAP_BYTES, BLOCK_BITS, sOff + bits));
  }
  const sScanStart = B.scanHintStart.get(m, sBlock);
  if (overlap(sScanStart, sScanStart + B.scanHint.get(m, sBlock), sOff, sOff + bits)) B.scanHint.set(m, sBlock, 0);
  const sContigStart = B.contigHintStart.get(m, sBlock);
  if (overlap(sContigStart, sContigStart + B.contigHint.get(m, sBlock), sOff, sOff + bits)) {
    if (sOff === 0) B.leftFree.set(m, sBlock, 0);
    pcpuBlockRefreshHint(p, chunk, sIndex);
  } else {
    B.leftFree.set(m, sBlock, Math.min(B.leftFree.get(m, sBlock), sOff));
    if (sIndex === eIndex) B.rightFree.set(m, sBlock, Math.min(B.rightFree.get(m, sBlock), BLOCK_BITS - eOff));
    else B.rightFree.set(m, sBlock, 0);
  }

  // e_block, when the allocation spans blocks
  if (sIndex !== eIndex) {
    if (B.contigHint.get(m, eBlock) === BLOCK_BITS) nrEmptyPages++;
    B.firstFree.set(m, eBlock, findNextZeroBit(u32, allocMap + eIndex * BLOCK_MAP_BYTES, BLOCK_BITS, eOff));
    if (eOff === BLOCK_BITS) {
      // Wholly used: reset it with the blocks in between.
      eBlock += B.size;
    } else {
      if (eOff > B.scanHintStart.get(m, eBlock)) B.scanHint.set(m, eBlock, 0);
      B.leftFree.set(m, eBlock, 0);
      if (eOff > B.contigHintStart.get(m, eBlock)) {
        pcpuBlockRefreshHint(p, chunk, eIndex);
      } else {
        B.rightFree.set(m, eBlock, Math.min(B.rightFree.get(m, eBlock), BLOCK_BITS - eOff));
      }
    }
    nrEmptyPages += eIndex - sIndex - 1;
    for (let block = sBlock + B.size; block < eBlock; block += B.size) {
      B.scanHint.set(m, block, 0);
      B.contigHint.set(m, block, 0);
      B.leftFree.set(m, block, 0);
      B.rightFree.set(m, block, 0);
    }
  }

  // Pages of a not-yet-populated area count here too; population adds them back.
  if (nrEmptyPages !== 0) pcpuUpdateEmptyPages(p, chunk, -nrEmptyPages);

  const scanStart = B.scanHintStart.get(m, md);
  if (overlap(scanStart, scanStart + B.scanHint.get(m, md), bitOff, bitOff + bits)) B.scanHint.set(m, md, 0);
  const contigStart = B.contigHintStart.get(m, md);
  if (overlap(contigStart, contigStart + B.contigHint.get(m, md), bitOff, bitOff + bits)) {
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
  const u32 = p.u32;
  const allocMap = C.allocMap.get(m, chunk);
  let nrEmptyPages = 0;
  const sIndex = bitOff >>> BLOCK_SHIFT;
  const eIndex = (bitOff + bits - 1) >>> BLOCK_SHIFT;
  const sOff = bitOff & (BLOCK_BITS - 1);
  let eOff = ((bitOff + bits - 1) & (BLOCK_BITS - 1)) + 1;
  const sBlock = blockAddr(m, chunk, sIndex);
  const eBlock = blockAddr(m, chunk, eIndex);

  let start = sOff;
  if (sOff === B.contigHint.get(m, sBlock) + B.contigHintStart.get(m, sBlock)) {
    start = B.contigHintStart.get(m, sBlock);
  } else {
    const lBit = findLastBit(u32, allocMap + sIndex * BLOCK_MAP_BYTES, start);
    start = start === lBit ? 0 : lBit + 1;
  }
  let end: number;
  if (eOff === B.contigHintStart.get(m, eBlock)) {
    end = B.contigHintStart.get(m, eBlock) + B.contigHint.get(m, eBlock);
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
    for (let block = sBlock + B.size; block < eBlock; block += B.size) {
      B.firstFree.set(m, block, 0);
      B.scanHint.set(m, block, 0);
      B.contigHintStart.set(m, block, 0);
      B.contigHint.set(m, block, BLOCK_BITS);
      B.leftFree.set(m, block, BLOCK_BITS);
      B.rightFree.set(m, block, BLOCK_BITS);
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
