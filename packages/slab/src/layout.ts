// The slab layer's structures in kernel memory (mm/slab.h, mm/slub.c).
//
// Deviation from the kernel: struct slab overlays struct page in the kernel's
// mem_map; here the page array belongs to the machine's page allocator, so the
// slab descriptor sits in the first bytes of the slab itself, and objects
// start after it (what old SLUB called `reserved` bytes). A slab is a buddy
// block of 2^order pages, naturally aligned, so virt_to_slab() is a mask.
//
// The slab's freelist and counters (inuse, frozen) are one 32-bit word, so
// the one CAS SLUB does with cmpxchg_double is one Atomics.compareExchange
// here. The freelist head is stored as an object index (+1, 0 = NULL), which
// is what makes it fit. This is ABA-safe for the same reason SLUB's is: the
// slab freelist is only ever pushed onto (frees) or taken whole (freeze,
// refill); no one pops a single object from it, so no CAS depends on a next
// pointer read before it.
import { struct, CACHE_LINE, LockWord } from '@percpu-lab/machine';

/** struct kmem_cache: written at boot, read-only afterwards. */
export const KmemCacheDesc = struct('kmem_cache', {
  /** object_size: what the user asked for. */
  objectSize: 'i32',
  /** s->size (sysfs slab_size): the stride of one object, with free pointer and alignment. */
  slabSize: 'i32',
  /** s->align; struct() reserves the names size and align for the struct itself. */
  objAlign: 'i32',
  /** offset: where the free pointer sits inside (or after) the object. */
  offset: 'i32',
  order: 'i32',
  /** oo_objects(s->oo): objects in one slab. */
  objects: 'i32',
  /** Bytes before the first object: the slab descriptor, aligned. */
  objStart: 'i32',
  minPartial: 'i32',
  /** Ids from slab-fn.ts; 0 = none. */
  ctorId: 'i32',
  dtorId: 'i32',
  /** Address of kmem_cache_cpu[nr_cpu_ids]. */
  cpuSlab: 'i32',
  /** Address of the (single) kmem_cache_node. */
  node: 'i32',
  pad: { bytes: CACHE_LINE - 48 },
});

/**
 * /sys/kernel/slab/<cache>/ statistics (CONFIG_SLUB_STATS), indexed in
 * kmem_cache_cpu.stat[]. The last four are the model's own: failed
 * allocations and the ctor/dtor calls the destructor RFC adds.
 */
export const SLAB_STAT_NAMES = [
  'alloc_fastpath', 'alloc_slowpath', 'free_fastpath', 'free_slowpath',
  'free_frozen', 'free_add_partial', 'free_remove_partial',
  'alloc_from_partial', 'alloc_slab', 'alloc_refill', 'free_slab',
  'cpuslab_flush', 'deactivate_full', 'deactivate_empty',
  'deactivate_to_head', 'deactivate_to_tail', 'deactivate_remote_frees',
  'deactivate_bypass', 'cmpxchg_double_fail',
  'alloc_failed', 'ctor_calls', 'ctor_failed', 'dtor_calls',
] as const;

export type SlabStatName = (typeof SLAB_STAT_NAMES)[number];

export const enum Stat {
  AllocFastpath, AllocSlowpath, FreeFastpath, FreeSlowpath,
  FreeFrozen, FreeAddPartial, FreeRemovePartial,
  AllocFromPartial, AllocSlab, AllocRefill, FreeSlab,
  CpuslabFlush, DeactivateFull, DeactivateEmpty,
  DeactivateToHead, DeactivateToTail, DeactivateRemoteFrees,
  DeactivateBypass, CmpxchgDoubleFail,
  AllocFailed, CtorCalls, CtorFailed, DtorCalls,
}

export const NR_SLAB_STATS = SLAB_STAT_NAMES.length;

const CPU_HEAD_BYTES = 8;
/** Two lines' alignment: a neighbour CPU's block never shares a line (adjacent-line prefetch). */
const CPU_BLOCK_ALIGN = 2 * CACHE_LINE;
const cpuStatBytes = 8 * NR_SLAB_STATS;
const cpuPad = Math.ceil((CPU_HEAD_BYTES + cpuStatBytes) / CPU_BLOCK_ALIGN) * CPU_BLOCK_ALIGN - CPU_HEAD_BYTES - cpuStatBytes;

/**
 * struct kmem_cache_cpu: written only by its CPU. No tid: a model CPU is one
 * thread that is never preempted or interrupted inside the allocator, so the
 * fast path needs neither this_cpu_cmpxchg nor a transaction id.
 */
export const KmemCacheCpu = struct('kmem_cache_cpu', {
  /** Next free object of the active slab, owned by this CPU (0 = none). */
  freelist: 'i32',
  /** The active (frozen) slab. */
  slab: 'i32',
  stat: { bytes: cpuStatBytes, align: 8 },
  pad: { bytes: cpuPad },
});

/** struct kmem_cache_node: one node (no NUMA in the model). */
export const KmemCacheNode = struct('kmem_cache_node', {
  /** &n->list_lock: protects the partial list, nr_partial and each slab's onPartial. */
  listLock: { bytes: LockWord.size, align: CACHE_LINE },
  nrPartial: 'i32',
  partialHead: 'i32',
  partialTail: 'i32',
  /** atomic_long_t nr_slabs / total_objects: changed without list_lock. */
  nrSlabs: 'i32',
  totalObjects: 'i32',
  pad: { bytes: CACHE_LINE - 20 },
});

/** struct slab, kept in the slab's first bytes. */
export const SlabDesc = struct('slab', {
  /** freelist + counters, see packFreelist(). */
  freelistCounters: 'i32',
  /** slab_cache: the kmem_cache this slab belongs to. */
  cache: 'i32',
  /** slab_list links on the node partial list (under list_lock). */
  next: 'i32',
  prev: 'i32',
  /** slab_test_node_partial(): on the node partial list (under list_lock). */
  onPartial: 'i32',
  pad: { bytes: CACHE_LINE - 20 },
});

/** page->objects is 15 bits in the kernel (MAX_OBJS_PER_PAGE); inuse shares that width here. */
export const MAX_OBJS_PER_SLAB = 32767;
const FREE_MASK = 0xffff;
const INUSE_SHIFT = 16;
const INUSE_MASK = 0x7fff;
const FROZEN = 1 << 31;

/** freelist+counters word: bits 0-15 freelist head (object index + 1), 16-30 inuse, 31 frozen. */
export function packFreelist(freeIdx: number, inuse: number, frozen: boolean): number {
  return (freeIdx | (inuse << INUSE_SHIFT) | (frozen ? FROZEN : 0)) | 0;
}

export const wordFreeIdx = (w: number): number => w & FREE_MASK;
export const wordInuse = (w: number): number => (w >>> INUSE_SHIFT) & INUSE_MASK;
export const wordFrozen = (w: number): boolean => w < 0;
