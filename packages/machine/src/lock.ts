// The lock word's layout in kernel memory and how its value encodes the
// owner. The lock interface that reads it (Lock, built by an engine's
// LockOps) is declared in kernel.ts; lock-init.ts initialises words.
//
// A lock occupies one cache line of its own: nothing else may be written
// there by other CPUs, or we would model false sharing the kernel avoids.
import { struct, CACHE_LINE } from './struct.js';

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
