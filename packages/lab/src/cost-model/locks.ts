// What a kernel lock costs on the virtual timeline, besides the wait itself
// (engine/virtual/virtual-lock.ts applies these):
//   - the uncontended operation: spinLockNs / mutexLockNs, and the unlock;
//   - after another CPU held it (a bounce): the lock word's line and
//     lockDataLines lines of the data it protects move to the taker;
//   - a mutex waiter whose wait is longer than mutexSpinWindowNs sleeps and
//     is woken (mutexSleepWakeNs) instead of spinning; a spinlock waiter
//     always spins.
//   - a spinlock the kernel takes with spin_lock_irqsave also pays
//     local_irq_save and local_irq_restore (irqSaveRestoreNs) with its
//     operations;
// The allocator's own locks are booked to the percpu part of the time split,
// every other lock's operations to `other`.
import { PCPU_LOCK_CLASSES } from '@percpu-lab/percpu';
import { PART_OTHER, PART_PERCPU } from './parts.js';
import type { CostProfile } from './profile.js';

/**
 * Lock classes the 6.12 code takes with spin_lock_irqsave / _irqrestore
 * (mm/percpu.c pcpu_alloc and free_percpu, lib/percpu_counter.c, mm/swap.c
 * folio_lruvec_lock_irqsave, mm/page_alloc.c rmqueue_bulk and
 * free_pcppages_bulk). pgd_lock and mm_list.lock are plain spin_lock.
 */
const IRQSAVE_CLASSES = ['pcpu_lock', 'percpu_counters_lock', 'percpu_counter->lock', 'lruvec->lru_lock', 'zone->lock'];

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
    lockNs: (mutex ? profile.mutexLockNs : profile.spinLockNs) + (IRQSAVE_CLASSES.includes(className) ? profile.irqSaveRestoreNs : 0),
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
