// The slab view of a point: one row per slab cache, the numbers
// /sys/kernel/slab/<cache>/ and slabinfo give (objects, slabs, partial, and
// the CONFIG_SLUB_STATS fast/slow path and ctor/dtor counters).
// Caches are found the way /proc/slabinfo walks slab_caches: here, through
// the published symbol table (every cache is published as kmem_cache:<name>).
import { Header, type Kernel } from '@percpu-lab/machine';
import { readSlabStats } from '@percpu-lab/slab';

const CACHE_PREFIX = 'kmem_cache:';

export interface SlabView {
  cache: string;
  objectSize: number;
  slabSize: number;
  objsPerSlab: number;
  order: number;
  /** Objects allocated and not freed at the end of the run. */
  objects: number;
  /** Objects in all slabs (constructed ones, for a cache with a ctor). */
  totalObjects: number;
  slabs: number;
  partial: number;
  allocFastpath: number;
  allocSlowpath: number;
  freeFastpath: number;
  freeSlowpath: number;
  /** Slabs built (new_slab) and discarded (free_slab) over the run. */
  slabsBuilt: number;
  slabsFreed: number;
  ctorCalls: number;
  ctorFailed: number;
  dtorCalls: number;
  allocFailed: number;
}

/** Names of every slab cache, from the published symbol table (kallsyms-style). */
export function slabCacheNames(kernel: Kernel): string[] {
  const m = kernel.mem;
  const addr = Header.symtabAddr.get(m, 0);
  const json = new TextDecoder().decode(m.u8.slice(addr, addr + Header.symtabBytes.get(m, 0)));
  const { symbols } = JSON.parse(json) as { symbols: Record<string, number> };
  return Object.keys(symbols).filter((s) => s.startsWith(CACHE_PREFIX)).map((s) => s.slice(CACHE_PREFIX.length)).sort();
}

export function slabViews(kernel: Kernel): SlabView[] {
  return slabCacheNames(kernel).map((name) => {
    const s = readSlabStats(kernel, name);
    return {
      cache: name,
      objectSize: s.object_size,
      slabSize: s.slab_size,
      objsPerSlab: s.objs_per_slab,
      order: s.order,
      objects: s.objects,
      totalObjects: s.total_objects,
      slabs: s.slabs,
      partial: s.partial,
      allocFastpath: s.alloc_fastpath,
      allocSlowpath: s.alloc_slowpath,
      freeFastpath: s.free_fastpath,
      freeSlowpath: s.free_slowpath,
      slabsBuilt: s.alloc_slab,
      slabsFreed: s.free_slab,
      ctorCalls: s.ctor_calls,
      ctorFailed: s.ctor_failed,
      dtorCalls: s.dtor_calls,
      allocFailed: s.alloc_failed,
    };
  });
}
