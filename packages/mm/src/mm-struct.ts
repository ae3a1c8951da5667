// struct mm_struct (include/linux/mm_types.h), reduced to what the mm
// lifetime touches, and struct mm_cid.
//
// Layout: the fields mm_alloc() clears come first; `ctorMarker` marks where
// the fields owned by a slab constructor begin (the destructor RFC: with a
// ctor, mm_alloc zeroes only up to the marker so the percpu pointers and
// counters survive from one user of the object to the next). The cid bitmap
// (mm_cidmask, nr_cpu_ids bits) trails the struct as in the kernel, whose
// mm cache is sizeof(struct mm_struct) + cpumask bytes; mm_init_cid clears
// it, so it needs no zeroing by mm_alloc either.
import { CACHE_LINE, struct } from '@percpu-lab/machine';
import { PercpuCounter } from './percpu-counter.js';

/** NR_MM_COUNTERS and their order (enum in mm_types_task.h). */
export const RESIDENT_PAGE_TYPES = ['MM_FILEPAGES', 'MM_ANONPAGES', 'MM_SWAPENTS', 'MM_SHMEMPAGES'] as const;
export const NR_MM_COUNTERS = RESIDENT_PAGE_TYPES.length;
export const MM_FILEPAGES = 0;
export const MM_ANONPAGES = 1;
export const MM_SWAPENTS = 2;
export const MM_SHMEMPAGES = 3;

/** lazy-rss: how the rss counters are kept right now. */
export const RSS_ATOMIC = 0;
export const RSS_PERCPU = 1;

export const MmStruct = struct('mm_struct', {
  /** atomic_t mm_users: threads using the address space. */
  mmUsers: 'i32',
  /** atomic_t mm_count: references to the struct; the last mmdrop frees it. */
  mmCount: 'i32',
  /** pgd_t *pgd: address of the top-level page table page. */
  pgd: 'i32',
  /** x86 pgd_list link (the kernel links the pgd's struct page; the model's pages belong to the allocator). */
  pgdList: { bytes: 8 },
  /** lazy-rss: RSS_ATOMIC while single-threaded, RSS_PERCPU after. */
  rssMode: 'i32',
  /** lazy-rss: the single-threaded counters (atomic_long_t; 32 bits here). */
  rssAtomic: { bytes: 4 * NR_MM_COUNTERS },
  /**
   * A strategy's own per-mm fields (a strategy file cannot add fields to the
   * struct). Cleared by mm_alloc on every lifetime; fits in the padding
   * before the marker, so the struct's size does not change.
   */
  strategyPriv: { bytes: 16, align: 8 },
  /** The mm's VMAs in address order (the maple tree in the kernel; exec/vma.ts). */
  mmap: { bytes: 8 },
  /** lru_gen.list: this mm on its memcg's mm_list (exec/lru.ts). */
  lruGenList: { bytes: 8 },
  /** Everything from here on is owned by a slab ctor when the strategy has one. */
  ctorMarker: { bytes: 0, align: CACHE_LINE },
  /** struct mm_cid __percpu *pcpu_cid (unsigned: percpu pointers use all 32 bits). */
  pcpuCid: 'u32',
  /** struct percpu_counter rss_stat[NR_MM_COUNTERS]. */
  rssStat: { bytes: PercpuCounter.size * NR_MM_COUNTERS, align: CACHE_LINE },
});

/** Bytes of the cid bitmap for `nrCpus` (cpumask_size(), in 32-bit words). */
export function cidmaskBytes(nrCpus: number): number {
  return 4 * Math.ceil(nrCpus / 32);
}

/** Object size of the mm cache: the struct and its trailing cid bitmap. */
export function mmObjectSize(nrCpus: number): number {
  return MmStruct.size + cidmaskBytes(nrCpus);
}

export function mmCidmaskAddr(mm: number): number {
  return mm + MmStruct.size;
}

/** Address of the 16-byte, 8-aligned area `strategyPriv` of `mm`. */
export function mmStrategyPriv(mm: number): number {
  return MmStruct.strategyPriv.addr(mm);
}

export function rssCounterAddr(mm: number, member: number): number {
  return MmStruct.rssStat.addr(mm) + member * PercpuCounter.size;
}

/** struct mm_cid: one per CPU per mm (16 bytes, align 8). */
export const MmCid = struct('mm_cid', {
  time: 'f64',
  cid: 'i32',
  recentCid: 'i32',
});

/** MM_CID_UNSET (-1U). */
export const MM_CID_UNSET = -1;
