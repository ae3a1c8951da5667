// How a cache is shaped (mm/slub.c: calculate_sizes, calculate_order,
// calc_slab_order, set_min_partial). Same rules and constants as the kernel,
// with one addition: the slab descriptor occupies the first `reserved` bytes
// of every slab (see layout.ts), so object counts subtract it as old SLUB's
// order_objects() did.
import { alignUp, MAX_PAGE_ORDER, PAGE_SIZE } from '@percpu-lab/machine';
import { KmemCacheCreateError } from './errors.js';
import { MAX_OBJS_PER_SLAB } from './layout.js';

/** slub_max_order defaults to PAGE_ALLOC_COSTLY_ORDER. */
export const SLUB_MAX_ORDER = 3;
export const SLUB_MIN_ORDER = 0;
/** Partial slabs a node keeps even when empty (kmem_cache_shrink may still take them). */
export const MIN_PARTIAL = 5;
export const MAX_PARTIAL = 10;
/** sizeof(void *): objects keep the 64-bit kernel's word layout although model pointers are 4 bytes. */
export const WORD = 8;
/** ARCH_SLAB_MINALIGN (__alignof__(unsigned long long)). */
export const ARCH_SLAB_MINALIGN = 8;

export interface CacheShape {
  objectSize: number;
  size: number;
  align: number;
  offset: number;
  order: number;
  objects: number;
  objStart: number;
  minPartial: number;
}

function fls(x: number): number {
  return x === 0 ? 0 : 32 - Math.clz32(x);
}

function getOrder(bytes: number): number {
  let order = 0;
  while ((PAGE_SIZE << order) < bytes) order++;
  return order;
}

function orderObjects(order: number, size: number, reserved: number): number {
  return Math.floor(((PAGE_SIZE << order) - reserved) / size);
}

/** Smallest order in [minOrder, maxOrder] that wastes at most 1/fraction; maxOrder + 1 if none. */
function calcSlabOrder(size: number, minOrder: number, maxOrder: number, fraction: number, reserved: number): number {
  let order = minOrder;
  for (; order <= maxOrder; order++) {
    const slabSize = PAGE_SIZE << order;
    if ((slabSize - reserved) % size <= slabSize / fraction) break;
  }
  return order;
}

/** calculate_order(): enough objects per slab for the CPU count, little waste, low order. */
export function calculateOrder(size: number, reserved: number, nrCpus: number): number {
  let minObjects = 4 * (fls(nrCpus) + 1);
  const maxObjects = Math.max(orderObjects(SLUB_MAX_ORDER, size, reserved), 1);
  minObjects = Math.min(minObjects, maxObjects);
  const minOrder = Math.max(SLUB_MIN_ORDER, getOrder(minObjects * size + reserved));
  if (orderObjects(minOrder, size, reserved) > MAX_OBJS_PER_SLAB) return getOrder(size * MAX_OBJS_PER_SLAB) - 1;
  for (let fraction = 16; fraction > 1; fraction /= 2) {
    const order = calcSlabOrder(size, minOrder, SLUB_MAX_ORDER, fraction, reserved);
    if (order <= SLUB_MAX_ORDER) return order;
  }
  const order = getOrder(size + reserved);
  if (order <= MAX_PAGE_ORDER) return order;
  throw new KmemCacheCreateError(`objects of ${size} bytes do not fit a slab of order ${MAX_PAGE_ORDER}; use the page allocator`);
}

/** set_min_partial(s, ilog2(s->size) / 2), clamped to [MIN_PARTIAL, MAX_PARTIAL]. */
export function minPartialFor(size: number): number {
  const m = Math.floor((fls(size) - 1) / 2);
  return Math.min(MAX_PARTIAL, Math.max(MIN_PARTIAL, m));
}

/**
 * calculate_sizes(): word-align the object, place the free pointer, align
 * the stride. A cache with a ctor or dtor keeps the free pointer *after* the
 * object, because a free object must keep its constructed state; otherwise it
 * goes in the middle of the object, as the kernel does to blunt overflows.
 */
export function calculateSizes(objectSize: number, align: number, keepsState: boolean, reserved: number, nrCpus: number): CacheShape {
  if (!Number.isInteger(objectSize) || objectSize < 1) {
    throw new KmemCacheCreateError(`object size must be a positive integer, got ${objectSize}`);
  }
  if (!Number.isInteger(align) || align < 0 || (align & (align - 1)) !== 0) {
    throw new KmemCacheCreateError(`align must be 0 or a power of two, got ${align}`);
  }
  const a = alignUp(Math.max(align, ARCH_SLAB_MINALIGN), WORD);
  let size = alignUp(objectSize, WORD);
  let offset: number;
  if (keepsState) {
    offset = size;
    size += WORD;
  } else {
    offset = Math.floor(objectSize / 2 / WORD) * WORD;
  }
  size = alignUp(size, a);
  const objStart = alignUp(reserved, a);
  const order = calculateOrder(size, objStart, nrCpus);
  const objects = Math.min(orderObjects(order, size, objStart), MAX_OBJS_PER_SLAB);
  if (objects < 1) throw new KmemCacheCreateError(`objects of ${size} bytes leave no room in a slab of order ${order}`);
  return { objectSize, size, align: a, offset, order, objects, objStart, minPartial: minPartialFor(size) };
}
