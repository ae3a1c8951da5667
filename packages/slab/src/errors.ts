// Every error a user of the slab layer can see. Each message says what to do.
import { MachineError } from '@percpu-lab/machine';

export class SlabError extends MachineError {
  override name = 'SlabError';
}

/** kmemCacheCreate() was given parameters no slab layout can serve. */
export class KmemCacheCreateError extends SlabError {
  override name = 'KmemCacheCreateError';
}

/** A cache names a ctor or dtor that this CPU's view of the kernel never bound. */
export class SlabFunctionNotBound extends SlabError {
  override name = 'SlabFunctionNotBound';
}

/** kmemCacheFree() of something that is not a live object of this cache. */
export class BadSlabFree extends SlabError {
  override name = 'BadSlabFree';
}

/** validate() found the cache's slabs or lists inconsistent. */
export class SlabCorrupted extends SlabError {
  override name = 'SlabCorrupted';
}
