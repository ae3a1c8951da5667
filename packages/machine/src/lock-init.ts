// Initialising lock words: in place inside an object (spin_lock_init,
// mutex_init) or as a named static lock allocated at boot (DEFINE_MUTEX,
// DEFINE_SPINLOCK). The word's layout is in lock.ts.
import type { Kernel } from './kernel.js';
import { LockWord, type LockKind } from './lock.js';
import { CACHE_LINE } from './struct.js';

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
