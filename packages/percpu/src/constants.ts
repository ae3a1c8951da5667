// Constants of mm/percpu.c, include/linux/percpu.h and mm/percpu-internal.h
// (Linux 6.12), named once. Sizes are bytes unless the name says bits.
import { PAGE_SHIFT, PAGE_SIZE } from '@percpu-lab/machine';

/** One bit of the allocation bitmap covers this many bytes. */
export const PCPU_MIN_ALLOC_SHIFT = 2;
export const PCPU_MIN_ALLOC_SIZE = 1 << PCPU_MIN_ALLOC_SHIFT;

/** A metadata block (pcpu_block_md) covers one page of a unit. */
export const PCPU_BITMAP_BLOCK_SIZE = PAGE_SIZE;
export const PCPU_BITMAP_BLOCK_BITS = PCPU_BITMAP_BLOCK_SIZE >> PCPU_MIN_ALLOC_SHIFT;
export const PCPU_BITMAP_BLOCK_SHIFT = PAGE_SHIFT - PCPU_MIN_ALLOC_SHIFT;

/** Smallest unit, and the largest single allocation. */
export const PCPU_MIN_UNIT_SIZE = 32 << 10;

/** Slots are log2 size classes; 1–31 bytes share one. */
export const PCPU_SLOT_BASE_SHIFT = 5;
/** A chunk that fails a fit while in a slot below this is moved to slot 0. */
export const PCPU_SLOT_FAIL_THRESHOLD = 3;

/** Balance work keeps this many empty populated pages for atomic requests. */
export const PCPU_EMPTY_POP_PAGES_LOW = 2;
export const PCPU_EMPTY_POP_PAGES_HIGH = 4;

/** Reserved first-chunk space for module static percpu data. */
export const PERCPU_MODULE_RESERVE = 8 << 10;

/**
 * gfp flag bits the model looks at (include/linux/gfp_types.h values of the
 * classic layout). Only "may block" (direct reclaim), NOWARN and ACCOUNT
 * change what pcpuAlloc does; the rest are carried for traces.
 */
export const __GFP_HIGH = 0x20;
export const __GFP_IO = 0x40;
export const __GFP_FS = 0x80;
export const __GFP_DIRECT_RECLAIM = 0x400;
export const __GFP_KSWAPD_RECLAIM = 0x800;
export const __GFP_NOWARN = 0x2000;
export const __GFP_ACCOUNT = 0x400000;
export const __GFP_RECLAIM = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM;

export const GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
export const GFP_KERNEL_ACCOUNT = GFP_KERNEL | __GFP_ACCOUNT;
export const GFP_ATOMIC = __GFP_HIGH | __GFP_KSWAPD_RECLAIM;
export const GFP_NOWAIT = __GFP_KSWAPD_RECLAIM;

/** gfpflags_allow_blocking(): only a request that may sleep takes the mutex. */
export function gfpAllowsBlocking(gfp: number): boolean {
  return (gfp & __GFP_DIRECT_RECLAIM) !== 0;
}

/** The workqueue item of pcpu_balance_workfn (DECLARE_WORK(pcpu_balance_work, …)). */
export const BALANCE_WORK = 'pcpu_balance_work';

/** The allocator's two locks (mm/percpu.c): their sections are the percpu path's own time. */
export const PCPU_ALLOC_MUTEX = 'pcpu_alloc_mutex';
export const PCPU_LOCK = 'pcpu_lock';
export const PCPU_LOCK_CLASSES: readonly string[] = [PCPU_ALLOC_MUTEX, PCPU_LOCK];
