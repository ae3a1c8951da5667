// Statistics shaped like /sys/kernel/debug/percpu_stats (mm/percpu-stats.c):
// allocation info, the global CONFIG_PERCPU_STATS counters, and per-chunk
// map statistics, plus the allocation-size histogram and the WARN and
// failure counters the model adds. Read without pcpu_lock: call it when the
// CPUs are idle (the kernel's reader takes the lock).
import { findLastBit, findNextBit, testBit } from './bitmap.js';
import { PCPU_BITMAP_BLOCK_BITS as BLOCK_BITS, PCPU_MIN_ALLOC_SIZE } from './constants.js';
import type { PcpuMem } from './context.js';
import { BlockMd, HIST_BUCKETS, PcpuChunk as C, PcpuGlobals as G } from './layout.js';
import { slotChunks } from './slots.js';

export interface PcpuChunkStats {
  /** 'reserved', 'first', 'sidelined', 'to_depopulate' or 'chunk'. */
  kind: string;
  /** Slot list the chunk is on (-1 for the reserved chunk). */
  slot: number;
  nrAlloc: number;
  maxAllocSize: number;
  emptyPopPages: number;
  nrPopulated: number;
  nrPages: number;
  firstBit: number;
  freeBytes: number;
  contigBytes: number;
  /** Free fragments between the start and the last allocation. */
  sumFrag: number;
  maxFrag: number;
  curMinAlloc: number;
  curMedAlloc: number;
  curMaxAlloc: number;
}

export interface PcpuStats {
  unitSize: number;
  staticSize: number;
  reservedSize: number;
  dynSize: number;
  nrPossible: number;
  nrAlloc: number;
  nrDealloc: number;
  nrCurAlloc: number;
  nrMaxAlloc: number;
  nrChunks: number;
  nrMaxChunks: number;
  minAllocSize: number;
  maxAllocSize: number;
  emptyPopPages: number;
  nrPopulated: number;
  /** Requests rejected with the kernel's "illegal size or align" WARN. */
  warnings: number;
  /** Requests that failed for want of space or memory. */
  failed: number;
  /** Allocations by size class: count of sizes ≤ `le` bytes (and above the previous class). */
  sizeHistogram: { le: number; count: number }[];
  chunks: PcpuChunkStats[];
}

/** chunk_map_stats: walk the maps up to the last allocation. */
function chunkMapStats(p: PcpuMem, chunk: number, kind: string, slot: number): PcpuChunkStats {
  const m = p.mem;
  const u32 = p.u32;
  const allocMap = C.allocMap.get(m, chunk);
  const boundMap = C.boundMap.get(m, chunk);
  const mapBits = C.nrPages.get(m, chunk) * BLOCK_BITS;
  let lastAlloc = findLastBit(u32, allocMap, mapBits - C.endOffset.get(m, chunk) / PCPU_MIN_ALLOC_SIZE - 1);
  lastAlloc = testBit(u32, allocMap, lastAlloc) ? lastAlloc + 1 : 0;
  const sizes: number[] = [];
  for (let start = C.startOffset.get(m, chunk) / PCPU_MIN_ALLOC_SIZE; start < lastAlloc; ) {
    const used = testBit(u32, allocMap, start);
    const end = findNextBit(u32, used ? boundMap : allocMap, lastAlloc, start + 1);
    sizes.push((used ? 1 : -1) * (end - start) * PCPU_MIN_ALLOC_SIZE);
    start = end;
  }
  sizes.sort((a, b) => a - b);
  let sumFrag = 0;
  let maxFrag = 0;
  let i = 0;
  for (; i < sizes.length && sizes[i]! < 0; i++) {
    sumFrag -= sizes[i]!;
    maxFrag = Math.max(maxFrag, -sizes[i]!);
  }
  const md = C.chunkMd.addr(chunk);
  return {
    kind,
    slot,
    nrAlloc: C.nrAlloc.get(m, chunk),
    maxAllocSize: C.maxAllocSize.get(m, chunk),
    emptyPopPages: C.nrEmptyPopPages.get(m, chunk),
    nrPopulated: C.nrPopulated.get(m, chunk),
    nrPages: C.nrPages.get(m, chunk),
    firstBit: BlockMd.firstFree.get(m, md),
    freeBytes: C.freeBytes.get(m, chunk),
    contigBytes: BlockMd.contigHint.get(m, md) * PCPU_MIN_ALLOC_SIZE,
    sumFrag,
    maxFrag,
    curMinAlloc: sizes.length > 0 ? sizes[i] ?? 0 : 0,
    curMedAlloc: sizes.length > 0 ? sizes[Math.floor((i + sizes.length - 1) / 2)] ?? 0 : 0,
    curMaxAlloc: sizes.length > 0 ? sizes[sizes.length - 1]! : 0,
  };
}

export function pcpuStats(p: PcpuMem): PcpuStats {
  const m = p.mem;
  const g = p.g;
  const hist = G.histogram.addr(g) >> 3;
  const sizeHistogram = [];
  for (let b = 0; b < HIST_BUCKETS; b++) sizeHistogram.push({ le: PCPU_MIN_ALLOC_SIZE << b, count: m.f64[hist + b]! });
  const chunks: PcpuChunkStats[] = [];
  if (p.reservedChunk !== 0) chunks.push(chunkMapStats(p, p.reservedChunk, 'reserved', -1));
  for (let slot = 0; slot < p.nrSlots; slot++) {
    for (const chunk of slotChunks(p, slot)) {
      const kind =
        chunk === p.firstChunk ? 'first' : slot === p.toDepopulateSlot ? 'to_depopulate' : slot === p.sidelinedSlot ? 'sidelined' : 'chunk';
      chunks.push(chunkMapStats(p, chunk, kind, slot));
    }
  }
  return {
    unitSize: p.unitSize,
    staticSize: G.staticSize.get(m, g),
    reservedSize: G.reservedSize.get(m, g),
    dynSize: G.dynSize.get(m, g),
    nrPossible: p.nrUnits,
    nrAlloc: G.nrAlloc.get(m, g),
    nrDealloc: G.nrDealloc.get(m, g),
    nrCurAlloc: G.nrCurAlloc.get(m, g),
    nrMaxAlloc: G.nrMaxAlloc.get(m, g),
    nrChunks: G.nrChunks.get(m, g),
    nrMaxChunks: G.nrMaxChunks.get(m, g),
    minAllocSize: G.minAllocSize.get(m, g),
    maxAllocSize: G.maxAllocSize.get(m, g),
    emptyPopPages: G.nrEmptyPopPages.get(m, g),
    nrPopulated: G.nrPopulated.get(m, g),
    warnings: G.nrWarnings.load(m, g),
    failed: G.nrFailed.load(m, g),
    sizeHistogram,
    chunks,
  };
}
