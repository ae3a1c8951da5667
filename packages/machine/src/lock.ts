// The lock interface every kernel lock in the model goes through, and the
// lock word's layout in kernel memory. Two engines implement it: real
// Atomics locks (threads engine) and virtual-time locks (virtual engine);
// model code never knows which one it holds.
//
// A lock occupies one cache line of its own: nothing else may be written
// there by other CPUs, or we would model false sharing the kernel avoids.
import { struct, CACHE_LINE } from './struct.js';
import type { Cpu } from './cpu.js';
import type { Kernel } from './kernel.js';

export const enum LockKind {
  Mutex = 1,
  SpinLock = 2,
}

/**
 * word: 0 when free; otherwise ((owner cpu + 1) << 1) | waiters, so the
 * owner is known from the same CAS that takes the lock (owner tracking for
 * lockdep-lite and optimistic spinning costs nothing extra).
 */
export const LockWord = struct('lock', {
  word: 'i32',
  classId: 'i32',
  kind: 'i32',
  /** CPU of the previous acquisition, for lock_stat bounces. */
  lastCpu: 'i32',
  /** When the current holder acquired it (ns), for hold times. */
  acquiredAt: 'f64',
  /** Virtual engine: when the lock becomes free on the virtual timeline. */
  freeAt: 'f64',
  pad: { bytes: CACHE_LINE - 32 },
});

export const LOCK_WAITERS = 1;
export const lockWordFor = (cpu: number): number => (cpu + 1) << 1;
export const lockOwnerOf = (word: number): number => (word >> 1) - 1;

export interface Lock {
  readonly addr: number;
  readonly classId: number;
  lock(cpu: Cpu): void;
  /** Take the lock only if free; never waits. */
  trylock(cpu: Cpu): boolean;
  unlock(cpu: Cpu): void;
  /** CPU holding the lock, or -1. */
  owner(): number;
  /** lockdep_assert_held(): throw unless `cpu` holds it. */
  assertHeld(cpu: Cpu): void;
}

/** Builds lock objects for lock words in kernel memory; one per engine. */
export interface LockOps {
  mutex(kernel: Kernel, addr: number): Lock;
  spinLock(kernel: Kernel, addr: number): Lock;
}

/** Initialise a lock word in place (static at boot, or inside a new object). */
export function lockInit(kernel: Kernel, addr: number, kind: LockKind, className: string): void {
  const m = kernel.mem;
  LockWord.word.store(m, addr, 0);
  LockWord.classId.set(m, addr, kernel.lockClass(className));
  LockWord.kind.set(m, addr, kind);
  LockWord.lastCpu.set(m, addr, -1);
  LockWord.acquiredAt.set(m, addr, 0);
  LockWord.freeAt.set(m, addr, 0);
}

/** Boot: allocate a named static lock (DEFINE_MUTEX / DEFINE_SPINLOCK). */
export function defineLock(kernel: Kernel, name: string, kind: LockKind): number {
  const addr = kernel.memblockAlloc(LockWord.size, CACHE_LINE);
  lockInit(kernel, addr, kind, name);
  kernel.defineSymbol(`lock:${name}`, addr);
  return addr;
}
