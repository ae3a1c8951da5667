// The two percpu fronts as strategy ingredients.
import { DirectFront } from './percpu-front.js';
import { PcpuObjCache, pcpuObjCacheBoot } from './pcpu-objcache.js';
import type { FrontRecipe } from './define.js';

/** alloc_percpu / free_percpu as the kernel does today. */
export const directFront: FrontRecipe = {
  attach: (kernel) => new DirectFront(kernel),
};

/** The per-CPU object cache in front of pcpu_alloc, one per strategy. */
export const objCacheFront: FrontRecipe = {
  boot: (kernel, strategy, opts) => pcpuObjCacheBoot(kernel, strategy, opts.pcpuCacheBatch),
  attach: (kernel, strategy) => new PcpuObjCache(kernel, strategy),
};
