// The CPU context every model function receives: smp_processor_id(), the
// clock, a seeded PRNG, and this CPU's slot in kernel memory. The model never
// reads a clock or picks a CPU by itself; the engine that runs it (real
// threads or virtual time) supplies this object.
import { struct, CACHE_LINE } from './struct.js';
import type { Kernel } from './kernel.js';

/**
 * Work whose cost the virtual engine charges from its cost profile. On the
 * threads engine the real work already costs real time, so charging is a
 * no-op there.
 */
export type CostKind =
  | 'atomic' // an uncontended atomic RMW on a local line
  | 'bitmapWord' // scanning one 32-bit word of an allocation bitmap
  | 'pageAlloc' // taking one page (block) from the page allocator
  | 'pageFree' // giving one page (block) back to the page allocator
  | 'pagePopulate' // mapping one freshly allocated page into a percpu unit
  | 'zeroByte' // zeroing (or copying) one byte of memory this CPU streams through
  | 'objectInit' // constructing one object (ctor / mm_init's field stores)
  | 'pcpuAllocCall' // pcpu_alloc's fixed work outside the bitmap search and the locks
  | 'freePercpuCall' // free_percpu's fixed work outside the bitmap and the lock
  | 'memcgCharge' // charging percpu bytes to the task's memory cgroup
  | 'memcgUncharge'; // giving that charge back

/** State of a CPU, read by lock spinners and the watchdog. */
export const enum CpuState {
  Offline = 0,
  Running = 1,
  /** Parked in Atomics.wait on a lock. */
  Sleeping = 2,
  Dead = 3,
}

/**
 * Per-CPU control block: written by its own CPU, read by others (spinners ask
 * whether a lock owner is running; the watchdog reads progress). Padded to
 * two cache lines so neighbours never share one.
 */
export const CpuArea = struct('cpu_area', {
  state: 'i32',
  /** Address of the lock this CPU waits for, 0 when not waiting. */
  waitingOn: 'i32',
  /** Operations completed: the watchdog's progress signal. */
  progress: 'i32',
  /** Nesting of atomic sections (preempt_count-like); sleeping locks refuse to run inside one. */
  atomicDepth: 'i32',
  /** Why the outermost atomic section was entered (AtomicContext). */
  atomicWhy: 'i32',
  /** Start barrier, CPU side: set when this CPU is ready (x86 smpboot's cpu_callin_mask bit). */
  callin: 'i32',
  /** Start barrier, boot side: set to release this CPU (cpu_callout_mask bit). */
  callout: 'i32',
  pad: { bytes: 2 * CACHE_LINE - 28 },
});

/** Contexts in which sleeping (taking a mutex) is a bug, as might_sleep() reports. */
export const enum AtomicContext {
  None = 0,
  SlabDestructor = 1,
  AtomicAllocation = 2,
}

const ATOMIC_CONTEXT_NAMES = ['none', 'slab destructor', 'atomic allocation'];

export function atomicContextName(why: number): string {
  return ATOMIC_CONTEXT_NAMES[why] ?? `context ${why}`;
}

/** Enter a section where sleeping is forbidden (preempt_disable with a reason). */
export function atomicEnter(cpu: Cpu, why: AtomicContext): void {
  const m = cpu.kernel.mem;
  const a = cpuAreaAddr(cpu.kernel, cpu.id);
  const d = CpuArea.atomicDepth.get(m, a);
  if (d === 0) CpuArea.atomicWhy.set(m, a, why);
  CpuArea.atomicDepth.set(m, a, d + 1);
}

export function atomicExit(cpu: Cpu): void {
  const m = cpu.kernel.mem;
  const a = cpuAreaAddr(cpu.kernel, cpu.id);
  CpuArea.atomicDepth.set(m, a, CpuArea.atomicDepth.get(m, a) - 1);
}

export interface Cpu {
  /** smp_processor_id() */
  readonly id: number;
  /** nr_cpu_ids: every possible CPU has a percpu unit. */
  readonly nrPossible: number;
  readonly kernel: Kernel;
  /** Monotonic time in nanoseconds (real or virtual). */
  now(): number;
  /** Do `ns` of work outside the modelled allocators. */
  spend(ns: number): void;
  /** Charge modelled work (virtual engine); no-op on real threads. */
  cost(kind: CostKind, units: number): void;
  /**
   * A loop over CPUs 0..n-1 (for_each_possible_cpu / for_each_online_cpu)
   * that touches [page + off, page + off + bytes) of each CPU's percpu unit,
   * CPU u's page being at kernel address i32[pages + u]. The virtual engine
   * prices each iteration and each cache line by who holds it (this CPU,
   * another CPU of the same core, socket or the other socket, or memory on
   * the unit's node), the misses of the loop overlapping; real threads pay
   * what the host pays, so it is a no-op there. Called once per loop, after
   * the model's own loop did the accesses.
   */
  touchUnits(pages: number, off: number, bytes: number, n: number): void;
  /**
   * A single access to this CPU's own slot of a percpu area (this_cpu_add,
   * the mm_cid slot): priced like touchUnits' lines, but alone, so a miss is
   * not overlapped with others. No-op on real threads.
   */
  touchOwn(addr: number, bytes: number): void;
  /**
   * The running process writes `bytes` of its own user memory, one store per
   * cache line: memory no other CPU sees, which pushes the kernel's lines out
   * of this CPU's caches (exec's page zeroing, page-table pages, the code it
   * runs). Real threads write a private buffer of that size; the virtual
   * engine prices the bytes as streamed and ages this CPU's cached lines.
   */
  touchPrivate(bytes: number): void;
  /**
   * True when the engine does not run model work for its time but charges
   * it from a price list (the virtual engine); false when work costs what
   * doing it costs (real threads). Where it is true, model code may leave
   * out stores whose only effect is their time — a memset whose bytes the
   * caller overwrites before anything reads them — as long as it still
   * charges them.
   */
  readonly pricesWork: boolean;
  /** Uniform integer in [lo, hi], from this CPU's seeded generator. */
  randInt(lo: number, hi: number): number;
  /** Uniform float in [0, 1). */
  random(): number;
}

export function cpuAreaAddr(kernel: Kernel, cpu: number): number {
  return kernel.symbol('cpu_areas') + cpu * CpuArea.size;
}

/** Boot: one control block per possible CPU. */
export function cpuAreasInit(kernel: Kernel): void {
  kernel.defineSymbol('cpu_areas', kernel.memblockAlloc(CpuArea.size * kernel.nrCpus, CACHE_LINE));
}
