// /sys/kernel/slab/<cache>/: the per-CPU event counters (CONFIG_SLUB_STATS)
// merged on read, plus the shape and node counts. Each CPU writes only its
// own kmem_cache_cpu.stat[], so counting adds no shared line to any path.
import type { Kernel } from '@percpu-lab/machine';
import { cacheSymbol } from './create.js';
import { SlabError } from './errors.js';
import { KmemCacheCpu, KmemCacheDesc, KmemCacheNode, NR_SLAB_STATS, SLAB_STAT_NAMES, type SlabStatName } from './layout.js';

export type SlabCounters = Record<SlabStatName, number>;

export interface SlabStats extends SlabCounters {
  name: string;
  /** Objects allocated and not yet freed. */
  objects: number;
  /** Objects in all slabs, free or not (constructed objects when the cache has a ctor). */
  total_objects: number;
  slabs: number;
  /** Slabs on the node partial list. */
  partial: number;
  objs_per_slab: number;
  order: number;
  object_size: number;
  slab_size: number;
  min_partial: number;
  /** The event counters of each CPU. */
  perCpu: SlabCounters[];
}

function emptyCounters(): SlabCounters {
  return Object.fromEntries(SLAB_STAT_NAMES.map((n) => [n, 0])) as SlabCounters;
}

export function cacheAddr(kernel: Kernel, name: string): number {
  if (!kernel.hasSymbol(cacheSymbol(name))) {
    throw new SlabError(`no slab cache named ${name}; create it with kmemCacheCreate() at boot`);
  }
  return kernel.symbol(cacheSymbol(name));
}

/** Read a cache's statistics (any thread; counters of running CPUs may be a step behind). */
export function readSlabStats(kernel: Kernel, name: string): SlabStats {
  const m = kernel.mem;
  const s = cacheAddr(kernel, name);
  const node = KmemCacheDesc.node.get(m, s);
  const cpuSlab = KmemCacheDesc.cpuSlab.get(m, s);
  const total = emptyCounters();
  const perCpu: SlabCounters[] = [];
  for (let cpu = 0; cpu < kernel.nrCpus; cpu++) {
    const base = KmemCacheCpu.stat.addr(cpuSlab + cpu * KmemCacheCpu.size) >> 3;
    const own = emptyCounters();
    for (let i = 0; i < NR_SLAB_STATS; i++) {
      const key = SLAB_STAT_NAMES[i]!;
      own[key] = m.f64[base + i]!;
      total[key] += own[key];
    }
    perCpu.push(own);
  }
  const allocated = total.alloc_fastpath + total.alloc_slowpath - total.alloc_failed;
  return {
    name,
    ...total,
    objects: allocated - total.free_fastpath - total.free_slowpath,
    total_objects: KmemCacheNode.totalObjects.load(m, node),
    slabs: KmemCacheNode.nrSlabs.load(m, node),
    partial: KmemCacheNode.nrPartial.get(m, node),
    objs_per_slab: KmemCacheDesc.objects.get(m, s),
    order: KmemCacheDesc.order.get(m, s),
    object_size: KmemCacheDesc.objectSize.get(m, s),
    slab_size: KmemCacheDesc.slabSize.get(m, s),
    min_partial: KmemCacheDesc.minPartial.get(m, s),
    perCpu,
  };
}
