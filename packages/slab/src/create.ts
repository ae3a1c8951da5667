// kmem_cache_create() (mm/slab_common.c + kmem_cache_open in mm/slub.c), at
// boot: shape the cache, allocate struct kmem_cache, one kmem_cache_cpu per
// possible CPU and the node, and publish it under `kmem_cache:<name>` so
// every CPU can attach a KmemCache to it. No cache merging: each create
// makes its own cache (a cache with a ctor is never merged in the kernel
// either).
import { CACHE_LINE, lockInit, LockKind, type Kernel } from '@percpu-lab/machine';
import { KmemCacheCreateError } from './errors.js';
import { KmemCacheCpu, KmemCacheDesc, KmemCacheNode, SlabDesc } from './layout.js';
import { calculateSizes } from './order.js';
import { declareSlabFn } from './slab-fn.js';

export interface KmemCacheOptions {
  /** Name of a constructor bound on every CPU with bindSlabCtor(). */
  ctor?: string;
  /** Name of a destructor bound on every CPU with bindSlabDtor(). */
  dtor?: string;
}

/** Lock class of every cache's node list_lock, as lockdep names it. */
export const LIST_LOCK_CLASS = '&n->list_lock';

export function cacheSymbol(name: string): string {
  return `kmem_cache:${name}`;
}

/** Boot: create a cache; returns the address of its struct kmem_cache. */
export function kmemCacheCreate(kernel: Kernel, name: string, size: number, align: number, opts: KmemCacheOptions = {}): number {
  if (kernel.hasSymbol(cacheSymbol(name))) {
    throw new KmemCacheCreateError(`a cache named ${name} already exists; give each cache its own name`);
  }
  const keepsState = opts.ctor !== undefined || opts.dtor !== undefined;
  const shape = calculateSizes(size, align, keepsState, SlabDesc.size, kernel.nrCpus);
  const m = kernel.mem;
  const s = kernel.memblockAlloc(KmemCacheDesc.size, CACHE_LINE);
  const cpuSlab = kernel.memblockAlloc(KmemCacheCpu.size * kernel.nrCpus, 2 * CACHE_LINE);
  const node = kernel.memblockAlloc(KmemCacheNode.size, CACHE_LINE);
  lockInit(kernel, KmemCacheNode.listLock.addr(node), LockKind.SpinLock, LIST_LOCK_CLASS);
  KmemCacheDesc.objectSize.set(m, s, shape.objectSize);
  KmemCacheDesc.slabSize.set(m, s, shape.size);
  KmemCacheDesc.objAlign.set(m, s, shape.align);
  KmemCacheDesc.offset.set(m, s, shape.offset);
  KmemCacheDesc.order.set(m, s, shape.order);
  KmemCacheDesc.objects.set(m, s, shape.objects);
  KmemCacheDesc.objStart.set(m, s, shape.objStart);
  KmemCacheDesc.minPartial.set(m, s, shape.minPartial);
  KmemCacheDesc.ctorId.set(m, s, opts.ctor === undefined ? 0 : declareSlabFn(kernel, 'ctor', opts.ctor));
  KmemCacheDesc.dtorId.set(m, s, opts.dtor === undefined ? 0 : declareSlabFn(kernel, 'dtor', opts.dtor));
  KmemCacheDesc.cpuSlab.set(m, s, cpuSlab);
  KmemCacheDesc.node.set(m, s, node);
  kernel.defineSymbol(cacheSymbol(name), s);
  return s;
}
