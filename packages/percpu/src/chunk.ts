// Chunk management (mm/percpu.c pcpu_alloc_first_chunk, pcpu_alloc_chunk,
// pcpu_free_chunk, pcpu_chunk_populated/depopulated; mm/percpu-vm.c
// pcpu_create_chunk, pcpu_destroy_chunk, pcpu_populate_chunk,
// pcpu_depopulate_chunk).
//
// Kept: a chunk has one unit per possible CPU; units are backed lazily, one
// page per unit per populated page, from the page-frame allocator; the first
// chunk (dynamic part) and the reserved chunk are backed at boot and
// immutable. Instead of a vmalloc area, each chunk has a page table giving
// every (page, unit) its page in kernel memory, and a small id that forms the
// high part of every percpu pointer into the chunk, so that perCpuPtr is
// O(1) and the owning chunk of a pointer is a table lookup
// (pcpu_chunk_addr_search). Left out: vmalloc area allocation, TLB flushes,
// memcg obj_exts vectors, NUMA placement of unit pages.
//
// Locks: creating, destroying, populating and depopulating hold
// pcpu_alloc_mutex (and never pcpu_lock while allocating pages); the
// populated bitmap and the counters change under pcpu_lock.
import { PAGE_SHIFT, PAGE_SIZE, type Cpu } from '@percpu-lab/machine';
import { bitmapClear, bitmapSet, setBit } from './bitmap.js';
import { PCPU_BITMAP_BLOCK_BITS as BLOCK_BITS, PCPU_MIN_ALLOC_SIZE } from './constants.js';
import type { PcpuCtx, PcpuMem } from './context.js';
import { blockAddr, pcpuBlockUpdateHintAlloc, pcpuInitMdBlock, pcpuUpdateEmptyPages } from './hints.js';
import { BlockMd, PcpuChunk as C, PcpuGlobals as G } from './layout.js';
import { listInit } from './slots.js';

/** Byte size of a bitmap of `bits` bits in whole 64-bit words (BITS_TO_LONGS), as the kernel sizes it. */
function bitmapBytes(bits: number): number {
  return Math.ceil(bits / 64) * 8;
}

/** Where each piece of a chunk's metadata block sits, for a chunk of nrPages pages. */
export function chunkMetaLayout(nrPages: number) {
  const mapBits = nrPages * BLOCK_BITS;
  const allocMap = C.size;
  const boundMap = allocMap + bitmapBytes(mapBits);
  const mdBlocks = boundMap + bitmapBytes(mapBits + 1);
  const populated = mdBlocks + nrPages * BlockMd.size;
  const bytes = populated + bitmapBytes(nrPages);
  return { allocMap, boundMap, mdBlocks, populated, bytes };
}

/** Smallest page order holding `bytes`. */
export function orderFor(bytes: number): number {
  let order = 0;
  while (PAGE_SIZE << order < bytes) order++;
  return order;
}

/** Bytes of a chunk's page table: one 32-bit page address per (page, unit). */
export function pageTableBytes(nrPages: number, nrUnits: number): number {
  return nrPages * nrUnits * 4;
}

/** Lay out a chunk's struct and maps in `meta` (zeroed memory) and initialise it. */
function chunkInit(p: PcpuMem, chunk: number, nrPages: number, pageTable: number): void {
  const m = p.mem;
  const lay = chunkMetaLayout(nrPages);
  listInit(m, C.list.addr(chunk));
  C.nrPages.set(m, chunk, nrPages);
  C.allocMap.set(m, chunk, chunk + lay.allocMap);
  C.boundMap.set(m, chunk, chunk + lay.boundMap);
  C.mdBlocks.set(m, chunk, chunk + lay.mdBlocks);
  C.populated.set(m, chunk, chunk + lay.populated);
  C.pageTable.set(m, chunk, pageTable);
  // pcpu_init_md_blocks
  pcpuInitMdBlock(m, C.chunkMd.addr(chunk), nrPages * BLOCK_BITS);
  for (let i = 0; i < nrPages; i++) pcpuInitMdBlock(m, blockAddr(m, chunk, i), BLOCK_BITS);
}

/** Record the chunk under its id so pointers resolve to it (and its page table). */
function publishChunkId(p: PcpuMem, chunk: number, id: number): void {
  const m = p.mem;
  C.id.set(m, chunk, id);
  p.i32[(p.pageTables >> 2) + id] = C.pageTable.get(m, chunk);
  p.i32[(p.chunkTable >> 2) + id] = chunk;
}

/**
 * pcpu_alloc_first_chunk: a chunk serving [tmpAddr, tmpAddr + mapSize) of
 * every unit of the boot area; its bitmap starts at the page below tmpAddr
 * and ends at the page above, the edges hidden as allocated. Fully
 * populated and immutable. `chunk` is zeroed memblock memory of
 * firstChunkMetaBytes(); `unitBase(u)` is where unit u's copy of unit
 * offset `backingStart` lives.
 */
export function pcpuAllocFirstChunk(
  p: PcpuMem,
  chunk: number,
  id: number,
  tmpAddr: number,
  mapSize: number,
  pageTable: number,
  backingStart: number,
  unitBase: (unit: number) => number,
): void {
  const m = p.mem;
  const u32 = p.u32;
  const alignedAddr = tmpAddr & -PAGE_SIZE;
  const startOffset = tmpAddr - alignedAddr;
  const regionSize = Math.ceil((startOffset + mapSize) / PAGE_SIZE) * PAGE_SIZE;
  const nrPages = regionSize >> PAGE_SHIFT;
  chunkInit(p, chunk, nrPages, pageTable);
  C.startOffset.set(m, chunk, startOffset);
  C.endOffset.set(m, chunk, regionSize - startOffset - mapSize);
  for (let page = 0; page < nrPages; page++) {
    for (let u = 0; u < p.nrUnits; u++) {
      p.i32[(pageTable >> 2) + page * p.nrUnits + u] = unitBase(u) + alignedAddr - backingStart + page * PAGE_SIZE;
    }
  }
  publishChunkId(p, chunk, id);
  C.immutable.set(m, chunk, 1);
  bitmapSet(u32, C.populated.get(m, chunk), 0, nrPages);
  C.nrPopulated.set(m, chunk, nrPages);
  C.nrEmptyPopPages.set(m, chunk, nrPages);
  C.freeBytes.set(m, chunk, mapSize);
  const mapBits = nrPages * BLOCK_BITS;
  if (startOffset !== 0) {
    const offsetBits = startOffset / PCPU_MIN_ALLOC_SIZE;
    bitmapSet(u32, C.allocMap.get(m, chunk), 0, offsetBits);
    setBit(u32, C.boundMap.get(m, chunk), 0);
    setBit(u32, C.boundMap.get(m, chunk), offsetBits);
    BlockMd.firstFree.set(m, C.chunkMd.addr(chunk), offsetBits);
    pcpuBlockUpdateHintAlloc(p, chunk, 0, offsetBits);
  }
  const endOffset = C.endOffset.get(m, chunk);
  if (endOffset !== 0) {
    const offsetBits = endOffset / PCPU_MIN_ALLOC_SIZE;
    bitmapSet(u32, C.allocMap.get(m, chunk), mapBits - offsetBits, offsetBits);
    setBit(u32, C.boundMap.get(m, chunk), (startOffset + mapSize) / PCPU_MIN_ALLOC_SIZE);
    setBit(u32, C.boundMap.get(m, chunk), mapBits);
    pcpuBlockUpdateHintAlloc(p, chunk, mapBits - offsetBits, offsetBits);
  }
  C.metaOrder.set(m, chunk, -1);
  C.pageTableOrder.set(m, chunk, -1);
}

/** Pages of one region chunk (first or reserved) for a region at tmpAddr of mapSize. */
export function firstChunkPages(tmpAddr: number, mapSize: number): number {
  const startOffset = tmpAddr & (PAGE_SIZE - 1);
  return Math.ceil((startOffset + mapSize) / PAGE_SIZE);
}

/** Take a free chunk id (under pcpu_alloc_mutex); 0 if every id is in use. */
function allocChunkId(p: PcpuMem): number {
  const m = p.mem;
  const table = p.chunkTable >> 2;
  const hint = G.nextIdHint.get(m, p.g);
  for (let n = 0; n < p.maxChunkIds; n++) {
    const id = ((hint - 1 + n) % p.maxChunkIds) + 1;
    if (p.i32[table + id] === 0) {
      G.nextIdHint.set(m, p.g, (id % p.maxChunkIds) + 1);
      return id;
    }
  }
  return 0;
}

/** pcpu_stats_chunk_alloc / _dealloc: counted under pcpu_lock. */
function statsChunks(p: PcpuCtx, cpu: Cpu, delta: number): void {
  const m = p.mem;
  p.pcpuLock.lock(cpu);
  const n = G.nrChunks.get(m, p.g) + delta;
  G.nrChunks.set(m, p.g, n);
  if (n > G.nrMaxChunks.get(m, p.g)) G.nrMaxChunks.set(m, p.g, n);
  p.pcpuLock.unlock(cpu);
}

/**
 * pcpu_create_chunk: a new whole-unit chunk with nothing populated, or 0
 * when memory (or chunk ids) ran out. Holds pcpu_alloc_mutex, not pcpu_lock.
 */
export function pcpuCreateChunk(p: PcpuCtx, cpu: Cpu): number {
  const m = p.mem;
  const id = allocChunkId(p);
  if (id === 0) return 0;
  const nrPages = p.unitPages;
  const metaOrder = orderFor(chunkMetaLayout(nrPages).bytes);
  const ptOrder = orderFor(pageTableBytes(nrPages, p.nrUnits));
  const chunk = p.pages.allocPages(cpu, metaOrder, true);
  if (chunk === 0) return 0;
  const pageTable = p.pages.allocPages(cpu, ptOrder, true);
  if (pageTable === 0) {
    p.pages.freePages(cpu, chunk, metaOrder);
    return 0;
  }
  chunkInit(p, chunk, nrPages, pageTable);
  C.metaOrder.set(m, chunk, metaOrder);
  C.pageTableOrder.set(m, chunk, ptOrder);
  C.freeBytes.set(m, chunk, nrPages * PAGE_SIZE);
  publishChunkId(p, chunk, id);
  statsChunks(p, cpu, 1);
  p.tracer?.createChunk(chunk);
  return chunk;
}

/** pcpu_destroy_chunk: always after full depopulation. Holds pcpu_alloc_mutex. */
export function pcpuDestroyChunk(p: PcpuCtx, cpu: Cpu, chunk: number): void {
  const m = p.mem;
  statsChunks(p, cpu, -1);
  p.tracer?.destroyChunk(chunk);
  const id = C.id.get(m, chunk);
  p.i32[(p.chunkTable >> 2) + id] = 0;
  p.i32[(p.pageTables >> 2) + id] = 0;
  p.pages.freePages(cpu, C.pageTable.get(m, chunk), C.pageTableOrder.get(m, chunk));
  p.pages.freePages(cpu, chunk, C.metaOrder.get(m, chunk));
}

/**
 * pcpu_populate_chunk: back pages [pageStart, pageEnd) of every unit. On
 * failure everything this call allocated is given back. Holds only
 * pcpu_alloc_mutex. Returns false when out of memory.
 */
export function pcpuPopulateChunk(p: PcpuCtx, cpu: Cpu, chunk: number, pageStart: number, pageEnd: number): boolean {
  const pt = C.pageTable.get(p.mem, chunk) >> 2;
  const n = p.nrUnits;
  for (let page = pageStart; page < pageEnd; page++) {
    for (let u = 0; u < n; u++) {
      const addr = p.pages.allocPages(cpu, 0);
      if (addr === 0) {
        // pcpu_free_pages: undo this call's pages, this page's first.
        for (let v = 0; v < u; v++) freeUnitPage(p, cpu, pt, page, v);
        for (let q = pageStart; q < page; q++) for (let v = 0; v < n; v++) freeUnitPage(p, cpu, pt, q, v);
        return false;
      }
      p.i32[pt + page * n + u] = addr;
    }
  }
  cpu.cost('pagePopulate', (pageEnd - pageStart) * n);
  return true;
}

function freeUnitPage(p: PcpuCtx, cpu: Cpu, pt: number, page: number, unit: number): void {
  const idx = pt + page * p.nrUnits + unit;
  p.pages.freePages(cpu, p.i32[idx]!, 0);
  p.i32[idx] = 0;
}

/** pcpu_depopulate_chunk: give back pages [pageStart, pageEnd) of every unit. Holds pcpu_alloc_mutex. */
export function pcpuDepopulateChunk(p: PcpuCtx, cpu: Cpu, chunk: number, pageStart: number, pageEnd: number): void {
  const pt = C.pageTable.get(p.mem, chunk) >> 2;
  for (let page = pageStart; page < pageEnd; page++) {
    for (let u = 0; u < p.nrUnits; u++) freeUnitPage(p, cpu, pt, page, u);
  }
}

/** pcpu_chunk_populated: bookkeeping after population. Holds pcpu_lock. */
export function pcpuChunkPopulated(p: PcpuMem, chunk: number, pageStart: number, pageEnd: number): void {
  const m = p.mem;
  const nr = pageEnd - pageStart;
  bitmapSet(p.u32, C.populated.get(m, chunk), pageStart, nr);
  C.nrPopulated.set(m, chunk, C.nrPopulated.get(m, chunk) + nr);
  G.nrPopulated.set(m, p.g, G.nrPopulated.get(m, p.g) + nr);
  pcpuUpdateEmptyPages(p, chunk, nr);
}

/** pcpu_chunk_depopulated: bookkeeping after depopulation. Holds pcpu_lock. */
export function pcpuChunkDepopulated(p: PcpuMem, chunk: number, pageStart: number, pageEnd: number): void {
  const m = p.mem;
  const nr = pageEnd - pageStart;
  bitmapClear(p.u32, C.populated.get(m, chunk), pageStart, nr);
  C.nrPopulated.set(m, chunk, C.nrPopulated.get(m, chunk) - nr);
  G.nrPopulated.set(m, p.g, G.nrPopulated.get(m, p.g) - nr);
  pcpuUpdateEmptyPages(p, chunk, -nr);
}

/** The chunk a percpu pointer's id names, or 0. */
export function chunkOfId(p: PcpuMem, id: number): number {
  return id >= 1 && id <= p.maxChunkIds ? p.i32[(p.chunkTable >> 2) + id]! : 0;
}
