// The parts of a lifetime's time split (engine/virtual/time-split.ts): every
// price of the cost model is booked to exactly one of them, so a user sees
// why a strategy is slow at a given size.
//   work       the work phase the user asks for (--work-ns, Cpu.spend) and
//              the memory it writes (--work-footprint)
//   exec       the exec path around the mm (system calls, faults, VMAs,
//              page tables, LRU and file work, the new image's user code),
//              priced step by step
//   percpu     the percpu allocator's own path: pcpu_alloc / free_percpu
//              fixed work, bitmap scans, page population, memcg charging,
//              and the uncontended operations of its two locks
//   loops      the loops over every possible/online CPU (zeroing a new
//              area in every unit, mm_init_cid, percpu_counter_sum): their
//              iterations and the cache lines they pull in
//   transfers  cache lines that move between CPUs outside those loops: lock
//              words and the data that follows a lock, a CPU's own percpu
//              slot taken back from the CPU that last touched it
//   other      the rest of the modelled kernel: slab, pages, pgd, mm_init,
//              counters, atomics, uncontended operations of other locks
// Lock waits are booked by lock class, beside the parts.

export const SPLIT_PARTS = ['work', 'exec', 'percpu', 'loops', 'transfers', 'other'] as const;
export type SplitPart = (typeof SPLIT_PARTS)[number];

export const PART_WORK = 0;
export const PART_EXEC = 1;
export const PART_PERCPU = 2;
export const PART_LOOPS = 3;
export const PART_TRANSFERS = 4;
export const PART_OTHER = 5;

/** The index of a part in SPLIT_PARTS (and in a TimeSplit's parts). */
export function partIndex(part: SplitPart): number {
  return SPLIT_PARTS.indexOf(part);
}
