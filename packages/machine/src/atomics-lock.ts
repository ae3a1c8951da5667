// Real locks for the threads engine: each emulated CPU is a worker thread and
// these are the kernel's locks built from Atomics on the lock word.
//
// Mutex (kernel/locking/mutex.c shape): one CAS on the fast path; if taken,
// spin optimistically while the owner CPU is running, bounded, then sleep in
// Atomics.wait with the waiters bit set (Drepper's 3-state futex mutex), so
// an uncontended unlock is one CAS and never notifies.
//
// Spinlock: spins a bounded budget and then parks like a paravirtual
// spinlock halts a vCPU whose lock holder was preempted
// (kernel/locking/qspinlock_paravirt.h, SPIN_THRESHOLD); without that, more
// workers than host cores turn spinning into collapse.
//
// Every wait is sliced so a CPU notices a stop request (watchdog, another
// CPU's crash) and never sleeps forever on a lock whose owner died.
import { atomicContextName, CpuArea, CpuState, type Cpu } from './cpu.js';
import { LockError, RunStopped } from './errors.js';
import type { Kernel } from './kernel.js';
import { LOCK_WAITERS, LockKind, LockWord, lockOwnerOf, lockWordFor, type Lock, type LockOps } from './lock.js';
import { lockStatAcquired, lockStatAddr, lockStatReleased } from './lockstat.js';

/** Optimistic spin budget of the mutex, in polls of the lock word. */
const MUTEX_SPIN_POLLS = 2000;
/** Spin budget of a spinlock before it parks (pv SPIN_THRESHOLD, scaled to JS poll cost). */
const SPIN_POLLS = 4000;
/** Longest single Atomics.wait before re-checking for a stop request. */
const WAIT_SLICE_MS = 50;

class AtomicsLock implements Lock {
  readonly classId: number;
  private readonly i32: Int32Array;
  private readonly idx: number;
  private readonly stat: boolean;
  private readonly areas: number;

  constructor(
    private readonly kernel: Kernel,
    readonly addr: number,
    private readonly kind: LockKind,
  ) {
    this.i32 = kernel.mem.i32;
    this.idx = LockWord.word.index(addr);
    this.classId = LockWord.classId.get(kernel.mem, addr);
    this.stat = kernel.lockStatEnabled;
    this.areas = kernel.symbol('cpu_areas');
  }

  private area(cpu: number): number {
    return this.areas + cpu * CpuArea.size;
  }

  lock(cpu: Cpu): void {
    const tag = lockWordFor(cpu.id);
    if (this.kind === LockKind.Mutex) this.mightSleep(cpu);
    const t0 = this.stat ? cpu.now() : 0;
    const prev = Atomics.compareExchange(this.i32, this.idx, 0, tag);
    if (prev === 0) {
      if (this.stat) this.acquired(cpu, t0, -1);
      return;
    }
    this.lockSlow(cpu, tag, prev);
    if (this.stat) {
      const t1 = cpu.now();
      this.acquired(cpu, t1, t1 - t0);
    }
  }

  trylock(cpu: Cpu): boolean {
    if (Atomics.compareExchange(this.i32, this.idx, 0, lockWordFor(cpu.id)) !== 0) return false;
    if (this.stat) this.acquired(cpu, cpu.now(), -1);
    return true;
  }

  unlock(cpu: Cpu): void {
    const tag = lockWordFor(cpu.id);
    if (this.stat) lockStatReleased(this.kernel, lockStatAddr(this.kernel, cpu.id, this.classId),
      cpu.now() - LockWord.acquiredAt.get(this.kernel.mem, this.addr));
    const prev = Atomics.compareExchange(this.i32, this.idx, tag, 0);
    if (prev === tag) return;
    if (prev === (tag | LOCK_WAITERS)) {
      Atomics.store(this.i32, this.idx, 0);
      Atomics.notify(this.i32, this.idx, 1);
      return;
    }
    throw new LockError(`CPU ${cpu.id} unlocked ${this.name()} held by ${this.describeOwner(prev)}`);
  }

  owner(): number {
    const w = Atomics.load(this.i32, this.idx);
    return w === 0 ? -1 : lockOwnerOf(w);
  }

  assertHeld(cpu: Cpu): void {
    if (this.owner() !== cpu.id) throw new LockError(`${this.name()} must be held by CPU ${cpu.id} here`);
  }

  private lockSlow(cpu: Cpu, tag: number, prev: number): void {
    if (lockOwnerOf(prev) === cpu.id) throw new LockError(`CPU ${cpu.id} takes ${this.name()} recursively`);
    if (this.spin(tag)) return;
    this.sleep(cpu, tag);
  }

  /** Poll the word; for a mutex only while the owner CPU is running. */
  private spin(tag: number): boolean {
    const mutex = this.kind === LockKind.Mutex;
    const budget = mutex ? MUTEX_SPIN_POLLS : SPIN_POLLS;
    const m = this.kernel.mem;
    for (let i = 0; i < budget; i++) {
      const w = Atomics.load(this.i32, this.idx);
      if (w === 0) {
        if (Atomics.compareExchange(this.i32, this.idx, 0, tag) === 0) return true;
      } else if (mutex && (i & 63) === 0) {
        const ownerArea = this.area(lockOwnerOf(w));
        if (CpuArea.state.load(m, ownerArea) !== CpuState.Running) return false;
      }
    }
    return false;
  }

  /** Set the waiters bit and wait; take the lock with the bit still set. */
  private sleep(cpu: Cpu, tag: number): void {
    const m = this.kernel.mem;
    const area = this.area(cpu.id);
    CpuArea.waitingOn.store(m, area, this.addr);
    try {
      for (;;) {
        const w = Atomics.load(this.i32, this.idx);
        if (w === 0) {
          if (Atomics.compareExchange(this.i32, this.idx, 0, tag | LOCK_WAITERS) === 0) return;
          continue;
        }
        if ((w & LOCK_WAITERS) === 0 && Atomics.compareExchange(this.i32, this.idx, w, w | LOCK_WAITERS) !== w) continue;
        CpuArea.state.store(m, area, CpuState.Sleeping);
        Atomics.wait(this.i32, this.idx, w | LOCK_WAITERS, WAIT_SLICE_MS);
        CpuArea.state.store(m, area, CpuState.Running);
        const reason = this.kernel.stopRequested();
        if (reason !== 0) throw new RunStopped(`CPU ${cpu.id} stopped while waiting for ${this.name()}`);
      }
    } finally {
      CpuArea.waitingOn.store(m, area, 0);
    }
  }

  /** might_sleep(): a mutex may not be taken in atomic context. */
  private mightSleep(cpu: Cpu): void {
    const m = this.kernel.mem;
    const area = this.area(cpu.id);
    if (CpuArea.atomicDepth.get(m, area) !== 0) {
      const why = atomicContextName(CpuArea.atomicWhy.get(m, area));
      throw new LockError(`CPU ${cpu.id}: sleeping lock ${this.name()} taken in atomic context (${why})`);
    }
  }

  private acquired(cpu: Cpu, t: number, waitNs: number): void {
    const m = this.kernel.mem;
    const last = LockWord.lastCpu.get(m, this.addr);
    LockWord.lastCpu.set(m, this.addr, cpu.id);
    LockWord.acquiredAt.set(m, this.addr, t);
    lockStatAcquired(this.kernel, lockStatAddr(this.kernel, cpu.id, this.classId), last !== -1 && last !== cpu.id, waitNs);
  }

  private name(): string {
    return this.kernel.lockClassName(this.classId);
  }

  private describeOwner(w: number): string {
    return w === 0 ? 'nobody' : `CPU ${lockOwnerOf(w)}`;
  }
}

export const atomicsLockOps: LockOps = {
  mutex: (kernel, addr) => new AtomicsLock(kernel, addr, LockKind.Mutex),
  spinLock: (kernel, addr) => new AtomicsLock(kernel, addr, LockKind.SpinLock),
};
