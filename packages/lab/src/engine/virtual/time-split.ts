// Where a virtual CPU's time goes. Every nanosecond the virtual engine adds
// to a CPU's clock is booked to exactly one part, so the parts of a CPU sum
// to its clock and a user can see *why* a strategy is slow at a given size:
//   work       exec-like work outside the allocators (Cpu.spend) and the
//              memory it writes (Cpu.touchPrivate)
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
//   wait       time spent waiting for a lock (spinning, or a mutex's
//              sleep and wake-up), by lock class
import { MAX_LOCK_CLASSES } from '@percpu-lab/machine';
import type { LifetimeSplit } from '../../results/schema.js';

export const SPLIT_PARTS = ['work', 'percpu', 'loops', 'transfers', 'other'] as const;
export type SplitPart = (typeof SPLIT_PARTS)[number];

export const PART_WORK = 0;
export const PART_PERCPU = 1;
export const PART_LOOPS = 2;
export const PART_TRANSFERS = 3;
export const PART_OTHER = 4;

/** One CPU's booked time: the parts, then the wait of each lock class id. */
export class TimeSplit {
  readonly parts = new Float64Array(SPLIT_PARTS.length);
  readonly waitByClass = new Float64Array(MAX_LOCK_CLASSES);

  reset(): void {
    this.parts.fill(0);
    this.waitByClass.fill(0);
  }

  copy(): TimeSplit {
    const c = new TimeSplit();
    c.parts.set(this.parts);
    c.waitByClass.set(this.waitByClass);
    return c;
  }
}


/** The split of a whole point: every CPU's booked time summed, divided by the ops they completed. */
export function lifetimeSplit(splits: readonly TimeSplit[], ops: number, className: (id: number) => string): LifetimeSplit {
  const parts = new Float64Array(SPLIT_PARTS.length);
  const wait = new Float64Array(MAX_LOCK_CLASSES);
  for (const s of splits) {
    for (let i = 0; i < parts.length; i++) parts[i]! += s.parts[i]!;
    for (let i = 0; i < wait.length; i++) wait[i]! += s.waitByClass[i]!;
  }
  const per = (ns: number) => (ops > 0 ? ns / ops : 0);
  const byClass: Record<string, number> = {};
  for (let i = 0; i < wait.length; i++) if (wait[i]! > 0) byClass[className(i)] = per(wait[i]!);
  return {
    work: per(parts[PART_WORK]!),
    percpu: per(parts[PART_PERCPU]!),
    loops: per(parts[PART_LOOPS]!),
    transfers: per(parts[PART_TRANSFERS]!),
    other: per(parts[PART_OTHER]!),
    wait: byClass,
  };
}
