// What a kernel lock costs on the virtual timeline, besides the wait itself
// (engine/virtual/virtual-lock.ts applies these):
//   - the uncontended operation: spinLockNs / mutexLockNs, and the unlock;
//   - after another CPU held it (a bounce): the lock word's line and
//     lockDataLines lines of the data it protects move to the taker;
//   - a mutex waiter whose wait is longer than mutexSpinWindowNs sleeps and
//     is woken (mutexSleepWakeNs) instead of spinning; a spinlock waiter
//     always spins.
// The allocator's own locks are booked to the percpu part of the time split,
// every other lock's operations to `other`.
import { PCPU_LOCK_CLASSES } from '@percpu-lab/percpu';
import { PART_OTHER, PART_PERCPU } from './parts.js';
import type { CostProfile } from './profile.js';

export interface LockPrices {
  readonly lockNs: number;
  readonly unlockNs: number;
  /** Lines of protected data that follow the lock to a new holder. */
  readonly dataLines: number;
  /** Time-split part of the uncontended operations. */
  readonly part: number;
  readonly spinWindowNs: number;
  readonly sleepWakeNs: number;
  readonly sleeps: boolean;
}

export function lockPrices(profile: CostProfile, mutex: boolean, className: string): LockPrices {
  return {
    lockNs: mutex ? profile.mutexLockNs : profile.spinLockNs,
    unlockNs: mutex ? profile.mutexUnlockNs : profile.spinUnlockNs,
    dataLines: profile.lockDataLinesByClass[className] ?? profile.lockDataLines,
    part: PCPU_LOCK_CLASSES.includes(className) ? PART_PERCPU : PART_OTHER,
    spinWindowNs: profile.mutexSpinWindowNs,
    sleepWakeNs: profile.mutexSleepWakeNs,
    sleeps: mutex,
  };
}

/** What a waiter pays for waiting `wait` ns: the wait, plus a sleep and wake-up when a sleeping lock's wait outlasts the spin window. */
export function waitCost(p: LockPrices, wait: number): number {
  return p.sleeps && wait > p.spinWindowNs ? wait + p.sleepWakeNs : wait;
}
