// Where the percpu allocator's state lives in kernel memory: one declaration
// per kernel struct (mm/percpu-internal.h) plus the allocator's globals.
//
// A chunk's metadata (struct, alloc_map, bound_map, md_blocks, populated
// bitmap) is one block from the page allocator (memblock for the first and
// reserved chunks); its page table, one 32-bit page address per (page, CPU),
// is a second block, so that perCpuPtr is two loads: table, entry.
//
// Hot paths (the fit search, hints, claiming, freeing, relocation) index the
// typed views directly with the field indices below, computed from these
// declarations. Each such file copies the ones it uses into module
// constants, so `i32[(block >> 2) + MD_CONTIG_HINT]` (block->contig_hint)
// costs no lookup at all: an accessor call, or even a property read of an
// imported object, is measurably slower on paths that touch a few hundred
// fields per allocation.
import { CACHE_LINE, struct, type F64Field, type I32Field } from '@percpu-lab/machine';

/** struct pcpu_block_md: hints of one page-sized block (or the whole chunk), in bits. */
export const BlockMd = struct('pcpu_block_md', {
  scanHint: 'i32',
  scanHintStart: 'i32',
  contigHint: 'i32',
  contigHintStart: 'i32',
  leftFree: 'i32',
  rightFree: 'i32',
  firstFree: 'i32',
  nrBits: 'i32',
});

/** struct list_head: addresses of list_head fields (a chunk's, or a slot head). */
export const ListHead = struct('list_head', { next: 'i32', prev: 'i32' });

/** struct pcpu_chunk. `list` comes first, so a chunk's address is its list entry's. */
export const PcpuChunk = struct('pcpu_chunk', {
  list: { bytes: ListHead.size },
  freeBytes: 'i32',
  chunkMd: { bytes: BlockMd.size },
  /** Index in the chunk table; the high part of every percpu pointer into this chunk. */
  id: 'i32',
  allocMap: 'i32',
  boundMap: 'i32',
  mdBlocks: 'i32',
  populated: 'i32',
  /** Page table: entry [page * nrUnits + cpu] is that unit page's address, 0 if unpopulated. */
  pageTable: 'i32',
  immutable: 'i32',
  isolated: 'i32',
  startOffset: 'i32',
  endOffset: 'i32',
  nrPages: 'i32',
  nrPopulated: 'i32',
  nrEmptyPopPages: 'i32',
  /** CONFIG_PERCPU_STATS per-chunk counters. */
  nrAlloc: 'i32',
  maxAllocSize: 'i32',
  /** Page-allocator orders of the two metadata blocks; -1 when they came from memblock. */
  metaOrder: 'i32',
  pageTableOrder: 'i32',
});

/** Number of allocation-size histogram buckets: ≤4, ≤8, …, ≤32 KiB. */
export const HIST_BUCKETS = 14;

/**
 * The allocator's globals: geometry (read-mostly, first line), state under
 * pcpu_lock (second line), CONFIG_PERCPU_STATS counters (also under
 * pcpu_lock), and the WARN and failure counters, which are bumped outside
 * the locks and therefore atomically, on a line of their own.
 */
export const PcpuGlobals = struct('pcpu_globals', {
  unitPages: 'i32',
  unitSize: 'i32',
  nrUnits: 'i32',
  staticSize: 'i32',
  reservedSize: 'i32',
  dynSize: 'i32',
  nrSlots: 'i32',
  sidelinedSlot: 'i32',
  freeSlot: 'i32',
  toDepopulateSlot: 'i32',
  vaShift: 'i32',
  maxChunkIds: 'i32',
  firstChunk: 'i32',
  reservedChunk: 'i32',
  chunkLists: 'i32',
  chunkTable: 'i32',
  pageTables: 'i32',
  /** Start of the pcpu_lock-protected line. */
  lockedLine: { bytes: 0, align: CACHE_LINE },
  nrEmptyPopPages: 'i32',
  nrPopulated: 'i32',
  atomicAllocFailed: 'i32',
  asyncEnabled: 'i32',
  nextIdHint: 'i32',
  nrAlloc: 'f64',
  nrDealloc: 'f64',
  nrCurAlloc: 'f64',
  nrMaxAlloc: 'f64',
  nrChunks: 'f64',
  nrMaxChunks: 'f64',
  minAllocSize: 'f64',
  maxAllocSize: 'f64',
  histogram: { bytes: 8 * HIST_BUCKETS, align: 8 },
  /** Start of the line written without locks. */
  atomicLine: { bytes: 0, align: CACHE_LINE },
  nrWarnings: 'i32',
  /** Failed requests (the kernel's pr_warn "allocation failed"), counted outside the locks. */
  nrFailed: 'i32',
  pad: { bytes: CACHE_LINE - 8 },
});

type WordIndices<S> = { readonly [K in keyof S as S[K] extends I32Field ? K : never]: number };
type F64Indices<S> = { readonly [K in keyof S as S[K] extends I32Field ? never : S[K] extends F64Field ? K : never]: number };

/** Int32Array index of every 32-bit field, relative to the struct's own word index (address >> 2). */
function wordIndices<S extends object>(s: S): WordIndices<S> {
  const out: Record<string, number> = {};
  for (const [k, f] of Object.entries(s)) if (typeof f === 'object' && 'index' in f) out[k] = (f as I32Field).offset >> 2;
  return { ...out } as WordIndices<S>;
}

/** Float64Array index of every f64 field, relative to address >> 3 (8-aligned structs only). */
function f64Indices<S extends object>(s: S): F64Indices<S> {
  const out: Record<string, number> = {};
  for (const [k, f] of Object.entries(s)) if (typeof f === 'object' && 'get' in f && !('index' in f)) out[k] = (f as F64Field).offset >> 3;
  return { ...out } as F64Indices<S>;
}

export const BMD = wordIndices(BlockMd);
export const LIST = wordIndices(ListHead);
export const CHUNK = wordIndices(PcpuChunk);
/** chunk_md as words of the chunk: i32[(chunk >> 2) + CHUNK_MD + BMD.contigHint]. */
export const CHUNK_MD = PcpuChunk.chunkMd.offset >> 2;
export const GLOBAL = wordIndices(PcpuGlobals);
export const GLOBAL_F64 = f64Indices(PcpuGlobals);
/** First histogram bucket, as a Float64Array index relative to the globals' address >> 3. */
export const GLOBAL_HISTOGRAM = PcpuGlobals.histogram.offset >> 3;
