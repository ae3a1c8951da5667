// The CPU context every model function receives: smp_processor_id(), the
// clock, a seeded PRNG, and this CPU's slot in kernel memory. The model never
// reads a clock or picks a CPU by itself; the engine that runs it (real
// threads or virtual time) supplies this object.
import { struct, CACHE_LINE } from './struct.js';
import type { Cpu, Kernel } from './kernel.js';

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

export function cpuAreaAddr(kernel: Kernel, cpu: number): number {
  return kernel.symbol('cpu_areas') + cpu * CpuArea.size;
}

/** Boot: one control block per possible CPU. */
export function cpuAreasInit(kernel: Kernel): void {
  kernel.defineSymbol('cpu_areas', kernel.memblockAlloc(CpuArea.size * kernel.nrCpus, CACHE_LINE));
}
