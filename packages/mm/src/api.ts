// The public strategy API: everything a remedy needs, and nothing else.
// The built-in strategies (strategies/) import only this module, and
// strategy files loaded by path import the same names from @percpu-lab/mm,
// so what the built-ins can do, a file can do. See the package README.
//
//  - defineMmStrategy(recipe): a strategy from its choices — the per-mm
//    percpu state, the front percpu memory comes from, and whether that
//    state lives per mm lifetime or per slab object (ctor/dtor).
//  - fronts: directFront (pcpu_alloc / free_percpu) and objCacheFront (a
//    per-CPU cache of percpu areas in front of them).
//  - MmPercpuState building blocks: SeparateAreas (today's kernel),
//    GroupedArea (one area), LazyRss (atomics until switched); subclass one
//    and override the step that differs.
//  - MmParts: PercpuCounters (lib/percpu_counter.c), MmCids (mm_cid), the
//    front and kernel memory; the mm_struct layout and its helpers.
export { defineMmStrategy, type FrontRecipe, type MmStrategyRecipe } from './define.js';
export { directFront, objCacheFront } from './fronts.js';
export { GroupedArea, LazyRss, SeparateAreas, type MmParts, type MmPercpuState } from './mm-percpu-state.js';
export { COUNTER_BYTES, PercpuCounter, PercpuCounters } from './percpu-counter.js';
export { MmCids } from './mm-cid.js';
export {
  MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES, MM_SWAPENTS, MmCid, MmStruct, mmStrategyPriv, NR_MM_COUNTERS,
  RSS_ATOMIC, RSS_PERCPU, rssCounterAddr,
} from './mm-struct.js';
export type { PercpuFront } from './percpu-front.js';
export type { PercpuLifetime } from './mm-path.js';
export { registerStrategy, type MmOptions, type MmStrategy } from './strategy.js';
/** The CPU a state step runs on: cpu.id, cpu.now(), cpu.cost(kind, n). */
export type { Cpu } from '@percpu-lab/machine';
