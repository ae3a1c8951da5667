// Real locks for the threads engine: each emulated CPU is a worker thread and
// these are the kernel's locks built from Atomics on the lock word.
//
// Mutex (kernel/locking/mutex.c shape): one CAS on the fast path; if taken,
// spin optimistically while the owner CPU is running, bounded, then sleep in
// Atomics.wait with the waiters bit set (Drepper's 3-state futex mutex), so
// an uncontended unlock is one CAS and never notifies. Where a worker cannot
// see what the kernel sees (is the owner's thread on a host core? will the
// owner retake the lock at once?) the spin adapts instead: each CPU halves
// its budget for a lock after a spin that failed and doubles it after one
// that won, and leaves a lock it sees free alone for a few polls so an owner
// in a tight loop keeps it rather than bouncing its cache line on every
// acquisition. Like the kernel's mutex it is not fair: a running CPU may
// take the lock ahead of a woken sleeper.
//
// Spinlock: spins a bounded budget and then parks like a paravirtual
// spinlock halts a vCPU whose lock holder was preempted
// (kernel/locking/qspinlock_paravirt.h, SPIN_THRESHOLD); without that, more
// workers than host cores turn spinning into collapse.
//
// Owner tracking is free: the word that the fast-path CAS writes names the
// owner CPU. Lockdep-lite checks: recursive locking and unlock by a non-owner
// throw LockError, found on the slow paths only; a mutex taken inside an
// atomic section (atomicEnter) throws, as might_sleep() would complain.
//
// Every wait is sliced so a CPU notices a stop request (watchdog, another
// CPU's crash) and never sleeps forever on a lock whose owner died. While a
// CPU is on a slow path its CpuArea names the lock it wants, so the pool's
// watchdog can say who waits for what.
//
// Lock statistics (lockstat.ts), when on, read the clock twice when an
// acquisition is contended (wait time, exact) and twice for the one
// acquisition in HOLD_SAMPLE_EVERY (on average) whose hold time is sampled;
// an untimed uncontended pair reads no clock at all.
import { atomicContextName, CpuArea, CpuState } from './cpu.js';
import { LockError, RunStopped } from './errors.js';
import type { Cpu, Kernel, Lock, LockOps } from './kernel.js';
import { LOCK_WAITERS, LockKind, LockWord, lockOwnerOf } from './lock.js';
import { LOCK_STAT_CPU_STRIDE, LOCK_STAT_HOLD_LEFT, lockStatAcquired, lockStatAddr, lockStatHeld, lockStatScheduleHold } from './lockstat.js';

/**
 * Optimistic spin budget of the mutex, in polls of the lock word (~20 ns
 * each): tens of µs, about what one sleep/wake round trip costs here.
 */
export const MUTEX_SPIN_POLLS = 2000;
/**
 * Floor of the adaptive spin budget (see the header): a spinner that keeps
 * losing stops pulling the lock's cache line away from the owner and sleeps
 * almost at once. The budget is per lock object, i.e. per worker = per CPU.
 */
const MUTEX_MIN_SPIN_POLLS = 16;
/** Polls a mutex spinner waits after seeing the lock free, before it tries to take it. */
const MUTEX_SETTLE_POLLS = 4;
/** Spin budget of a spinlock before it parks (pv SPIN_THRESHOLD, scaled to JS poll cost). */
const SPIN_POLLS = 4000;
/** The mutex re-checks that the owner still runs every this many polls. */
const OWNER_CHECK_MASK = 63;
/** Longest single Atomics.wait before re-checking for a stop request. */
const WAIT_SLICE_MS = 50;
/**
 * acquiredAt while the lock is free or its hold is not timed: what
 * lockInit leaves there, and clock readings are never 0, so an untimed
 * acquisition need not write the field at all.
 */
const UNTIMED = 0;

// Int32Array offsets inside a CPU's control block.
const AREA_WORDS = CpuArea.size >> 2;
const AREA_STATE = CpuArea.state.offset >> 2;
const AREA_WAITING = CpuArea.waitingOn.offset >> 2;
const AREA_ATOMIC = CpuArea.atomicDepth.offset >> 2;

/** The lock without statistics: the hot paths do nothing but the lock's own work. */
class AtomicsLock implements Lock {
  readonly classId: number;
  protected readonly i32: Int32Array;
  /** Int32Array index of the lock word. */
  protected readonly idx: number;
  /** Int32Array index of CPU 0's control block. */
  private readonly areaIdx: number;
  private readonly sleeps: boolean;
  /** Mutex: this CPU's current optimistic spin budget for this lock. */
  private spinLimit = MUTEX_SPIN_POLLS;

  constructor(
    protected readonly kernel: Kernel,
    readonly addr: number,
    kind: LockKind,
  ) {
    this.i32 = kernel.mem.i32;
    this.idx = LockWord.word.index(addr);
    this.classId = LockWord.classId.get(kernel.mem, addr);
    this.areaIdx = kernel.symbol('cpu_areas') >> 2;
    this.sleeps = kind === LockKind.Mutex;
  }

  lock(cpu: Cpu): void {
    if (!this.fastLock(cpu.id)) this.lockContended(cpu);
  }

  trylock(cpu: Cpu): boolean {
    return Atomics.compareExchange(this.i32, this.idx, 0, (cpu.id + 1) << 1) === 0;
  }

  unlock(cpu: Cpu): void {
    const tag = (cpu.id + 1) << 1;
    const prev = Atomics.compareExchange(this.i32, this.idx, tag, 0);
    if (prev !== tag) this.unlockSlow(cpu, tag, prev);
  }

  owner(): number {
    const w = Atomics.load(this.i32, this.idx);
    return w === 0 ? -1 : lockOwnerOf(w);
  }

  assertHeld(cpu: Cpu): void {
    if (this.owner() !== cpu.id) throw new LockError(`${this.name()} must be held by CPU ${cpu.id} here`);
  }

  /** might_sleep() for a mutex, then one CAS; true if the lock was taken. */
  protected fastLock(id: number): boolean {
    if (this.sleeps && this.i32[this.areaIdx + id * AREA_WORDS + AREA_ATOMIC] !== 0) this.sleepInAtomic(id);
    return Atomics.compareExchange(this.i32, this.idx, 0, (id + 1) << 1) === 0;
  }

  /** The slow path: lockdep-lite check, spin, then sleep; returns holding the lock. */
  protected lockContended(cpu: Cpu): void {
    const id = cpu.id;
    const tag = (id + 1) << 1;
    const w = Atomics.load(this.i32, this.idx);
    if (w !== 0 && lockOwnerOf(w) === id) throw new LockError(`CPU ${id} takes ${this.name()} recursively`);
    const waitingIdx = this.areaIdx + id * AREA_WORDS + AREA_WAITING;
    // Plain store: only the watchdog reads it, and only to explain a hang.
    this.i32[waitingIdx] = this.addr;
    try {
      const won = this.sleeps ? this.optimisticSpin(tag, w) : this.pvSpin(tag);
      if (!won) this.sleep(id, tag);
    } finally {
      this.i32[waitingIdx] = 0;
    }
  }

  /**
   * mutex_optimistic_spin(): poll while the owner runs. A lock seen free is
   * left alone for a few more polls first: an owner that takes it straight
   * back (a tight loop) keeps it, and the spinner goes to sleep instead of
   * turning every acquisition into a cache-line hand-off between two CPUs.
   */
  private optimisticSpin(tag: number, seen: number): boolean {
    const i32 = this.i32;
    const idx = this.idx;
    const budget = this.spinLimit;
    let owner = lockOwnerOf(seen);
    for (let i = 0; i < budget; i++) {
      let w = Atomics.load(i32, idx);
      if (w === 0) {
        for (let j = 0; j < MUTEX_SETTLE_POLLS && w === 0; j++) w = Atomics.load(i32, idx);
        if (w === 0 && Atomics.compareExchange(i32, idx, 0, tag) === 0) {
          this.spinLimit = Math.min(budget * 2, MUTEX_SPIN_POLLS);
          return true;
        }
        if (w !== 0 && lockOwnerOf(w) === owner) break;
        continue;
      }
      owner = lockOwnerOf(w);
      if ((i & OWNER_CHECK_MASK) === 0 && !this.ownerRunning(w)) return false;
    }
    this.spinLimit = Math.max(budget >> 1, MUTEX_MIN_SPIN_POLLS);
    return false;
  }

  /** A pv spinlock's bounded spin before it parks. */
  private pvSpin(tag: number): boolean {
    const i32 = this.i32;
    const idx = this.idx;
    for (let i = 0; i < SPIN_POLLS; i++) {
      if (Atomics.load(i32, idx) === 0 && Atomics.compareExchange(i32, idx, 0, tag) === 0) return true;
    }
    return false;
  }

  private ownerRunning(w: number): boolean {
    return Atomics.load(this.i32, this.areaIdx + lockOwnerOf(w) * AREA_WORDS + AREA_STATE) === CpuState.Running;
  }

  /** Set the waiters bit and wait; take the lock with the bit still set. */
  private sleep(id: number, tag: number): void {
    const i32 = this.i32;
    const idx = this.idx;
    const stateIdx = this.areaIdx + id * AREA_WORDS + AREA_STATE;
    for (;;) {
      const w = Atomics.load(i32, idx);
      if (w === 0) {
        // Keep the waiters bit: others may still sleep, and our unlock must wake one.
        if (Atomics.compareExchange(i32, idx, 0, tag | LOCK_WAITERS) === 0) return;
        continue;
      }
      // Give up only when the lock is still not ours: a CPU that can get it finishes its step.
      if (this.kernel.stopRequested() !== 0) throw new RunStopped(`CPU ${id} stopped while waiting for ${this.name()}`);
      if ((w & LOCK_WAITERS) === 0 && Atomics.compareExchange(i32, idx, w, w | LOCK_WAITERS) !== w) continue;
      Atomics.store(i32, stateIdx, CpuState.Sleeping);
      Atomics.wait(i32, idx, w | LOCK_WAITERS, WAIT_SLICE_MS);
      Atomics.store(i32, stateIdx, CpuState.Running);
    }
  }

  private unlockSlow(cpu: Cpu, tag: number, prev: number): void {
    if (prev === (tag | LOCK_WAITERS)) {
      Atomics.store(this.i32, this.idx, 0);
      Atomics.notify(this.i32, this.idx, 1);
      return;
    }
    const holder = prev === 0 ? 'nobody' : `CPU ${lockOwnerOf(prev)}`;
    throw new LockError(`CPU ${cpu.id} unlocked ${this.name()} held by ${holder}`);
  }

  /** might_sleep(): a mutex may not be taken in atomic context. */
  private sleepInAtomic(id: number): never {
    const why = this.i32[this.areaIdx + id * AREA_WORDS + (CpuArea.atomicWhy.offset >> 2)]!;
    throw new LockError(`CPU ${id}: sleeping lock ${this.name()} taken in atomic context (${atomicContextName(why)})`);
  }

  protected name(): string {
    return this.kernel.lockClassName(this.classId);
  }
}

/**
 * The lock with lock_stat bookkeeping around the same primitives: the
 * acquiring CPU and, for a timed hold, the time of acquisition go into the
 * lock's own cache line (which the CAS just pulled in), the counts into this
 * CPU's statistics. Wait times are exact; a clock is read on the fast path
 * only for the sampled holds (lockstat.ts), so an uncontended pair costs a
 * few plain memory operations more than the bare lock.
 */
class StatAtomicsLock extends AtomicsLock {
  private readonly f64: Float64Array;
  private readonly lastCpuIdx: number;
  /** Float64Array index of the holder's acquisition time; UNTIMED when its hold is not sampled. */
  private readonly acquiredAtIdx: number;
  /** Float64Array index of CPU 0's statistics for this lock's class. */
  private readonly statIdx: number;

  constructor(kernel: Kernel, addr: number, kind: LockKind) {
    super(kernel, addr, kind);
    this.f64 = kernel.mem.f64;
    this.lastCpuIdx = LockWord.lastCpu.index(addr);
    this.acquiredAtIdx = (addr + LockWord.acquiredAt.offset) >> 3;
    this.statIdx = lockStatAddr(kernel, 0, this.classId) >> 3;
  }

  override lock(cpu: Cpu): void {
    const id = cpu.id;
    if (this.fastLock(id)) {
      this.acquired(cpu, id);
      return;
    }
    this.lockContendedTimed(cpu, id);
  }

  override trylock(cpu: Cpu): boolean {
    if (!super.trylock(cpu)) return false;
    this.acquired(cpu, cpu.id);
    return true;
  }

  override unlock(cpu: Cpu): void {
    // Read and clear while still holding: once the word is 0 another CPU may take the lock.
    const since = this.f64[this.acquiredAtIdx]!;
    if (since === UNTIMED) {
      super.unlock(cpu);
      return;
    }
    this.f64[this.acquiredAtIdx] = UNTIMED;
    super.unlock(cpu);
    lockStatHeld(this.f64, this.statIdx + cpu.id * LOCK_STAT_CPU_STRIDE, cpu.now() - since);
  }

  /** An uncontended acquisition (the fast path and trylock). */
  private acquired(cpu: Cpu, id: number): void {
    const f64 = this.f64;
    const s = this.statIdx + id * LOCK_STAT_CPU_STRIDE;
    if (this.bounced(id)) lockStatAcquired(f64, s, true, -1);
    this.count(cpu, s, -1);
  }

  /** Count an acquisition in slot `s`; time its hold if it is the sampled one (`t`: the clock now, or -1 to read it). */
  private count(cpu: Cpu, s: number, t: number): void {
    const f64 = this.f64;
    const left = f64[s + LOCK_STAT_HOLD_LEFT]! - 1;
    f64[s + LOCK_STAT_HOLD_LEFT] = left;
    if (left <= 0) this.timeHold(s, t < 0 ? cpu.now() : t);
  }

  /** The slow path with its wait timed. Kept out of lock() so the fast path stays small enough to inline. */
  private lockContendedTimed(cpu: Cpu, id: number): void {
    const t0 = cpu.now();
    this.lockContended(cpu);
    const t1 = cpu.now();
    const f64 = this.f64;
    const s = this.statIdx + id * LOCK_STAT_CPU_STRIDE;
    lockStatAcquired(f64, s, this.bounced(id), t1 - t0);
    this.count(cpu, s, t1);
  }

  /** This acquisition is the sampled one: remember when its hold began (`t`). */
  private timeHold(s: number, t: number): void {
    lockStatScheduleHold(this.f64, s);
    this.f64[this.acquiredAtIdx] = t;
  }

  /** Note `id` as the lock's last CPU; true when another CPU had it before. */
  private bounced(id: number): boolean {
    const last = this.i32[this.lastCpuIdx]!;
    if (last === id) return false;
    // Written only on a change: a lock that stays on one CPU costs no store here.
    this.i32[this.lastCpuIdx] = id;
    return last !== -1;
  }
}

function atomicsLock(kernel: Kernel, addr: number, kind: LockKind): Lock {
  return kernel.lockStatEnabled ? new StatAtomicsLock(kernel, addr, kind) : new AtomicsLock(kernel, addr, kind);
}

export const atomicsLockOps: LockOps = {
  mutex: (kernel, addr) => atomicsLock(kernel, addr, LockKind.Mutex),
  spinLock: (kernel, addr) => atomicsLock(kernel, addr, LockKind.SpinLock),
};
