// Kernel locks on a virtual timeline (the virtual engine's LockOps).
//
// A request by CPU c at its clock t is served at the earliest free time
// g >= t of the lock's timeline (timeline.ts). What c then pays, on top of
// waiting until g:
//   - the uncontended lock operation (profile spinLockNs / mutexLockNs);
//   - if another CPU held the lock last (a bounce), the lock word's cache
//     line moves to c: lineTransfer{Same,Cross}SocketNs by the two CPUs'
//     sockets; and, once c holds the lock, the protected data follows it:
//     lockDataLines more transfers, charged inside the hold;
//   - if c held it last but has streamed enough since to evict the word
//     (context.ts, lockLine), reloading it from the LLC or DRAM, and the
//     protected data with it (lockDataLines more reloads, which were
//     touched with the word), booked with the uncontended operation;
//   - a mutex waiter that would wait longer than mutexSpinWindowNs sleeps
//     and is woken (mutexSleepWakeNs) instead of spinning; a spinlock waiter
//     always spins.
// The hold ends at unlock, which charges spinUnlockNs / mutexUnlockNs and
// records [g, unlock) as busy on the timeline.
//
// Time split (time-split.ts): the wait (and a sleeper's wake-up) is booked to
// the lock's class, the transfers to `transfers`, the uncontended operations
// to `percpu` for the allocator's own locks and to `other` for the rest.
//
// lock_stat is recorded with the machine layer's functions and the same
// rules as the threads engine (atomics-lock.ts): a contention is an
// acquisition that had to wait, its wait runs from the request to the
// acquisition, a hold from acquisition to unlock, and a bounce is an
// acquisition after another CPU — here the CPU that held the lock just
// before in virtual time, which is what the cache line follows.
//
// A step runs to completion, so every lock a step takes must be released in
// the same step: finding the word held by another CPU means a program kept a
// lock across steps, which the virtual engine cannot interleave; it says so.
import {
  atomicContextName, CACHE_LINE, CpuArea, cpuAreaAddr, LOCK_STAT_CPU_STRIDE, LockError, LockKind, LockWord, lockOwnerOf, lockStatAcquired, lockStatAddr,
  lockStatReleased, lockWordFor, type Cpu, type Kernel, type Lock, type LockOps,
} from '@percpu-lab/machine';
import { lockPrices, PART_TRANSFERS, waitCost, type LockPrices } from '../../cost-model/index.js';
import type { VirtualContext } from './context.js';
import { LockTimeline } from './timeline.js';
import { VirtualCpu } from './virtual-cpu.js';
import { VirtualConfigError } from './errors.js';

// Int32Array offsets inside a CPU's control block (lockdep-lite reads them on every mutex lock).
const AREA_WORDS = CpuArea.size >> 2;
const AREA_ATOMIC_DEPTH = CpuArea.atomicDepth.offset >> 2;
const AREA_ATOMIC_WHY = CpuArea.atomicWhy.offset >> 2;

class VirtualLock implements Lock {
  readonly classId: number;
  private readonly timeline = new LockTimeline();
  private readonly mutex: boolean;
  /** Prices of the operations, the data that follows the lock, and a waiter's sleep (cost-model/locks.ts). */
  private readonly prices: LockPrices;
  private readonly lockNs: number;
  private readonly unlockNs: number;
  private readonly dataLines: number;
  /** Time-split part of the uncontended lock and unlock operations: the percpu path's own locks, or other. */
  private readonly opPart: number;
  private readonly stat: boolean;
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  // Typed-array indices of the lock word's fields, from its struct declaration.
  private readonly wordIdx: number;
  private readonly lastCpuIdx: number;
  private readonly acquiredAtIdx: number;
  private readonly freeAtIdx: number;
  /** Float64Array index of CPU 0's lock_stat slot for this class; each CPU is LOCK_STAT_CPU_STRIDE further. */
  private readonly statIdx: number;
  /** Int32Array index of CPU 0's control block. */
  private readonly areaIdx: number;
  /** Start of the current holder's busy interval on the timeline. */
  private busyFrom = 0;

  constructor(
    private readonly kernel: Kernel,
    readonly addr: number,
    kind: LockKind,
    private readonly ctx: VirtualContext,
  ) {
    const m = kernel.mem;
    this.mutex = kind === LockKind.Mutex;
    this.classId = LockWord.classId.get(m, addr);
    this.prices = lockPrices(ctx.profile, this.mutex, kernel.lockClassName(this.classId));
    this.lockNs = this.prices.lockNs;
    this.unlockNs = this.prices.unlockNs;
    this.dataLines = this.prices.dataLines;
    this.opPart = this.prices.part;
    this.stat = kernel.lockStatEnabled;
    this.i32 = m.i32;
    this.f64 = m.f64;
    this.wordIdx = LockWord.word.index(addr);
    this.lastCpuIdx = LockWord.lastCpu.index(addr);
    this.acquiredAtIdx = (addr + LockWord.acquiredAt.offset) >> 3;
    this.freeAtIdx = (addr + LockWord.freeAt.offset) >> 3;
    this.statIdx = lockStatAddr(kernel, 0, this.classId) >> 3;
    this.areaIdx = cpuAreaAddr(kernel, 0) >> 2;
  }

  lock(cpu: Cpu): void {
    const v = this.virtualCpu(cpu);
    const id = v.id;
    if (this.i32[this.wordIdx] !== 0) this.held(id);
    if (this.mutex && this.i32[this.areaIdx + id * AREA_WORDS + AREA_ATOMIC_DEPTH] !== 0) this.sleepInAtomic(id);
    const t = v.clock;
    const g = this.freeFrom(t);
    const pred = this.timeline.pred;
    const bounced = pred !== -1 && pred !== id;
    const transfer = bounced ? this.ctx.transferNs(pred, id) : 0;
    if (g > t) v.chargeWait(this.classId, waitCost(this.prices, g - t));
    v.charge(this.opPart, this.lockNs + this.reload(id, bounced));
    v.charge(PART_TRANSFERS, transfer);
    this.take(v, g);
    if (this.stat) lockStatAcquired(this.f64, this.statIdx + id * LOCK_STAT_CPU_STRIDE, bounced, g > t ? v.clock - t : -1);
    v.charge(PART_TRANSFERS, this.dataLines * transfer);
  }

  trylock(cpu: Cpu): boolean {
    const v = this.virtualCpu(cpu);
    const id = v.id;
    if (this.i32[this.wordIdx] !== 0) this.held(id);
    const t = v.clock;
    if (this.freeFrom(t) !== t) return false;
    const pred = this.timeline.pred;
    const bounced = pred !== -1 && pred !== id;
    const transfer = bounced ? this.ctx.transferNs(pred, id) : 0;
    v.charge(this.opPart, this.lockNs + this.reload(id, bounced));
    v.charge(PART_TRANSFERS, transfer);
    this.take(v, t);
    if (this.stat) lockStatAcquired(this.f64, this.statIdx + id * LOCK_STAT_CPU_STRIDE, bounced, -1);
    v.charge(PART_TRANSFERS, this.dataLines * transfer);
    return true;
  }

  unlock(cpu: Cpu): void {
    const v = this.virtualCpu(cpu);
    const id = v.id;
    const w = this.i32[this.wordIdx]!;
    if (w !== lockWordFor(id)) {
      throw new LockError(`CPU ${id} unlocked ${this.name()} held by ${w === 0 ? 'nobody' : `CPU ${lockOwnerOf(w)}`}`);
    }
    const u = v.clock;
    if (this.stat) lockStatReleased(this.f64, this.statIdx + id * LOCK_STAT_CPU_STRIDE, u - this.f64[this.acquiredAtIdx]!);
    this.timeline.insert(this.busyFrom, u, id);
    if (u > this.f64[this.freeAtIdx]!) this.f64[this.freeAtIdx] = u;
    this.i32[this.wordIdx] = 0;
    v.charge(this.opPart, this.unlockNs);
  }

  owner(): number {
    const w = this.i32[this.wordIdx]!;
    return w === 0 ? -1 : lockOwnerOf(w);
  }

  assertHeld(cpu: Cpu): void {
    if (this.owner() !== cpu.id) throw new LockError(`${this.name()} must be held by CPU ${cpu.id} here`);
  }

  /** What reloading the word and its data costs `id` when its own streaming evicted them (0 on a bounce: the transfer prices it). */
  private reload(id: number, bounced: boolean): number {
    const ns = this.ctx.lockLine(id, this.addr, !bounced);
    if (ns === 0) return 0;
    this.ctx.stream(id, this.dataLines * CACHE_LINE);
    return (1 + this.dataLines) * ns;
  }

  /** Earliest free time >= t on the timeline, after forgetting what is past for every CPU. */
  private freeFrom(t: number): number {
    // lockInit() zeroes freeAt: a word re-initialised in a reused object starts a new timeline.
    if (this.timeline.length > 0 && this.f64[this.freeAtIdx] === 0) this.timeline.reset();
    this.timeline.prune(this.ctx.horizon);
    return this.timeline.findFree(t);
  }

  /** `v` holds the lock from now (its clock), its busy interval starting at `busyFrom`. */
  private take(v: VirtualCpu, busyFrom: number): void {
    const acquired = v.clock;
    this.busyFrom = busyFrom;
    this.i32[this.wordIdx] = lockWordFor(v.id);
    this.i32[this.lastCpuIdx] = v.id;
    this.f64[this.acquiredAtIdx] = acquired;
  }

  /** The word is taken: recursion, or a lock kept across steps. */
  private held(id: number): never {
    const owner = lockOwnerOf(this.i32[this.wordIdx]!);
    if (owner === id) throw new LockError(`CPU ${id} takes ${this.name()} recursively`);
    throw new LockError(
      `CPU ${id} found ${this.name()} still held by CPU ${owner}: the virtual engine needs every program step to release the locks it takes`,
    );
  }

  /** might_sleep(): a mutex may not be taken in atomic context. */
  private sleepInAtomic(id: number): never {
    const why = this.i32[this.areaIdx + id * AREA_WORDS + AREA_ATOMIC_WHY]!;
    throw new LockError(`CPU ${id}: sleeping lock ${this.name()} taken in atomic context (${atomicContextName(why)})`);
  }

  private virtualCpu(cpu: Cpu): VirtualCpu {
    if (cpu instanceof VirtualCpu) return cpu;
    throw new VirtualConfigError(`CPU ${cpu.id} is not a virtual CPU: a kernel driven by the virtual engine takes locks only on its CPUs`);
  }

  private name(): string {
    return this.kernel.lockClassName(this.classId);
  }
}

/** LockOps that resolve every kernel lock on the virtual timeline of `ctx`. */
export function virtualLockOps(ctx: VirtualContext): LockOps {
  return {
    mutex: (kernel, addr) => new VirtualLock(kernel, addr, LockKind.Mutex, ctx),
    spinLock: (kernel, addr) => new VirtualLock(kernel, addr, LockKind.SpinLock, ctx),
  };
}
