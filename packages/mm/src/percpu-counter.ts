// struct percpu_counter (lib/percpu_counter.c, include/linux/percpu_counter.h).
//
// Kept: a raw spinlock per counter, the s64 `count`, the list link every
// counter has on the global `percpu_counters` list (CPU hotplug walks it),
// and the pointer to the s32 per-CPU deltas. percpuCounterInitMany makes ONE
// percpu allocation for nr counters (nr × 4 bytes, align 4) and then links
// all of them under percpu_counters_lock in one critical section;
// percpuCounterAdd adds to this CPU's s32 and folds it into `count` under the
// counter's own lock once |delta| reaches the batch; percpuCounterSum walks
// every possible CPU under that lock (resolving the counter's page-table row
// once, then two loads per CPU); percpuCounterDestroyMany unlinks under
// percpu_counters_lock and frees the area.
// Left out: the hotplug callback itself (every possible CPU is online),
// debug objects, lockdep keys per call site (one class for all counters).
// Memcg: the counters' area is GFP_KERNEL_ACCOUNT, charged in pcpu_alloc and
// uncharged in free_percpu by the kernel; the model prices that charge where
// the counters are set up and unlinked (memcgCharge / memcgUncharge), so a
// strategy that builds the counters differently pays it the same way.
// Pricing: percpuCounterSum's walk is a loop over CPUs (Cpu.touchUnits over
// the slots); an add touches this CPU's own slot (Cpu.touchOwn).
//
// `count` is an f64: exact for |count| < 2^53, far beyond any rss value.
// The s32 deltas are written only by their own CPU; a remote sum reads them
// plainly, as the kernel does (32-bit reads never tear).
//
// Locks: percpu_counters_lock (spinlock) protects the global list;
// percpu_counter->lock (raw spinlock, one per counter) protects `count` and
// serialises folds with sums.
import { CACHE_LINE, defineLock, lockInit, LockKind, LockWord, PAGE_SIZE, struct, type Cpu, type Kernel, type KernelMemory, type Lock } from '@percpu-lab/machine';
import type { Percpu } from '@percpu-lab/percpu';
import { initListHead, ListHead, listAdd, listDel } from './list.js';
import { percpuOf, type PercpuFront } from './percpu-front.js';

export const PercpuCounter = struct('percpu_counter', {
  lock: { bytes: LockWord.size, align: CACHE_LINE },
  count: 'f64',
  list: { bytes: ListHead.size },
  /** s32 __percpu *counters; percpu pointers are unsigned 32-bit. */
  counters: 'u32',
  pad: { bytes: CACHE_LINE - 20 },
});

export const PERCPU_COUNTERS_LOCK = 'percpu_counters_lock';
export const PERCPU_COUNTER_LOCK_CLASS = 'percpu_counter->lock';
/** sizeof(s32): one per counter per CPU. */
export const COUNTER_BYTES = 4;

/** Boot: the global list and its lock (once per kernel, whoever asks first). */
export function percpuCounterBoot(kernel: Kernel): void {
  if (kernel.hasSymbol('percpu_counters')) return;
  defineLock(kernel, PERCPU_COUNTERS_LOCK, LockKind.SpinLock);
  kernel.lockClass(PERCPU_COUNTER_LOCK_CLASS);
  const head = kernel.memblockAlloc(ListHead.size, CACHE_LINE);
  initListHead(kernel.mem, head);
  kernel.defineSymbol('percpu_counters', head);
}

/** percpu_counter_batch = max(32, 2 × online CPUs); every possible CPU is online here. */
export function percpuCounterBatch(nrCpus: number): number {
  return Math.max(32, 2 * nrCpus);
}

/** The percpu_counter API as one CPU uses it. */
export class PercpuCounters {
  readonly batch: number;
  private readonly m: KernelMemory;
  private readonly i32: Int32Array;
  private readonly percpu: Percpu;
  private readonly listLock: Lock;
  private readonly listHead: number;
  private readonly nrPossible: number;

  constructor(private readonly kernel: Kernel) {
    this.m = kernel.mem;
    this.i32 = kernel.mem.i32;
    this.percpu = percpuOf(kernel);
    this.listLock = kernel.lock(PERCPU_COUNTERS_LOCK);
    this.listHead = kernel.symbol('percpu_counters');
    this.nrPossible = kernel.nrCpus;
    this.batch = percpuCounterBatch(kernel.nrCpus);
  }

  /** Address of counter i of an array starting at `fbc`. */
  at(fbc: number, i: number): number {
    return fbc + i * PercpuCounter.size;
  }

  /** percpu_counter_init_many(): one allocation from `front`, then link; false if it fails. */
  percpuCounterInitMany(cpu: Cpu, fbc: number, amount: number, nr: number, front: PercpuFront): boolean {
    const counters = front.alloc(cpu, nr * COUNTER_BYTES, COUNTER_BYTES);
    if (counters === 0) {
      PercpuCounter.counters.set(this.m, fbc, 0);
      return false;
    }
    this.percpuCounterSetupMany(cpu, fbc, amount, nr, counters);
    return true;
  }

  /**
   * The part of init_many after the allocation: each counter's lock, count
   * and pointer into `counters` (zeroed, nr × 4 bytes), then all of them on
   * the global list in one percpu_counters_lock section.
   */
  percpuCounterSetupMany(cpu: Cpu, fbc: number, amount: number, nr: number, counters: number): void {
    const m = this.m;
    for (let i = 0; i < nr; i++) {
      const c = this.at(fbc, i);
      lockInit(this.kernel, PercpuCounter.lock.addr(c), LockKind.SpinLock, PERCPU_COUNTER_LOCK_CLASS);
      PercpuCounter.count.set(m, c, amount);
      PercpuCounter.counters.set(m, c, counters + i * COUNTER_BYTES);
    }
    this.listLock.lock(cpu);
    for (let i = 0; i < nr; i++) listAdd(m, PercpuCounter.list.addr(this.at(fbc, i)), this.listHead);
    this.listLock.unlock(cpu);
    cpu.cost('memcgCharge', 1);
  }

  /** percpu_counter_destroy_many(): unlink, then free the one area to `front`. */
  percpuCounterDestroyMany(cpu: Cpu, fbc: number, nr: number, front: PercpuFront): void {
    const counters = PercpuCounter.counters.get(this.m, fbc);
    if (counters === 0) return;
    this.percpuCounterUnlinkMany(cpu, fbc, nr);
    front.free(cpu, counters, nr * COUNTER_BYTES, COUNTER_BYTES);
  }

  /** The list half of destroy_many; clears the pointers (the area is the caller's). */
  percpuCounterUnlinkMany(cpu: Cpu, fbc: number, nr: number): void {
    const m = this.m;
    this.listLock.lock(cpu);
    for (let i = 0; i < nr; i++) listDel(m, PercpuCounter.list.addr(this.at(fbc, i)));
    this.listLock.unlock(cpu);
    for (let i = 0; i < nr; i++) PercpuCounter.counters.set(m, this.at(fbc, i), 0);
    cpu.cost('memcgUncharge', 1);
  }

  /** percpu_counter_add_batch(). */
  percpuCounterAdd(cpu: Cpu, fbc: number, amount: number, batch = this.batch): void {
    const m = this.m;
    const i32 = this.i32;
    const local = this.percpu.perCpuPtr(PercpuCounter.counters.get(m, fbc), cpu.id) >> 2;
    cpu.touchOwn(local << 2, COUNTER_BYTES);
    const count = i32[local]! + amount;
    if (Math.abs(count) >= batch) {
      const lock = this.kernel.lockAt(PercpuCounter.lock.addr(fbc));
      lock.lock(cpu);
      PercpuCounter.count.set(m, fbc, PercpuCounter.count.get(m, fbc) + count);
      i32[local] = i32[local]! - (count - amount);
      lock.unlock(cpu);
    } else {
      i32[local] = count;
    }
  }

  /** percpu_counter_sum(): exact, under the counter's lock. */
  percpuCounterSum(cpu: Cpu, fbc: number): number {
    const m = this.m;
    const lock = this.kernel.lockAt(PercpuCounter.lock.addr(fbc));
    const ptr = PercpuCounter.counters.get(m, fbc);
    const i32 = this.i32;
    const row = this.percpu.perCpuPages(ptr);
    const word = (ptr & (PAGE_SIZE - 1)) >> 2;
    lock.lock(cpu);
    let ret = PercpuCounter.count.get(m, fbc);
    for (let c = 0; c < this.nrPossible; c++) ret += i32[(i32[row + c]! >> 2) + word]!;
    cpu.touchUnits(row, word << 2, COUNTER_BYTES, this.nrPossible);
    lock.unlock(cpu);
    return ret;
  }

  /** percpu_counter_read(): the folded count only, no lock (may lag by batch × CPUs). */
  percpuCounterRead(fbc: number): number {
    return PercpuCounter.count.get(this.m, fbc);
  }
}
