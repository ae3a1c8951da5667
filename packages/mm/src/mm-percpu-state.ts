// What percpu state an mm carries and how its rss counters are kept: the
// steps in which the strategies differ. The mm path (mm-path.ts) calls
// create/destroy either once per mm lifetime (mm_init / __mmdrop) or once
// per slab object (the cache's ctor / dtor); which one is the strategy's
// other choice.
//
//  - SeparateAreas: today's kernel. mm_alloc_cid makes one allocation
//    (struct mm_cid, 16 B align 8), percpu_counter_init_many another
//    (NR_MM_COUNTERS × 4 B align 4): two round trips to the allocator.
//  - GroupedArea: mm_cid and the counters in ONE allocation (32 B align 8);
//    the counters point into it, so one round trip.
//  - LazyRss: mm_cid only; the rss counters are atomics in mm_struct until a
//    second thread appears, then become percpu counters. Whatever was added
//    to the atomics stays there and is part of every sum, so a switch racing
//    with updates on other CPUs loses nothing.
import type { Cpu, KernelMemory } from '@percpu-lab/machine';
import { MmCids } from './mm-cid.js';
import { MmCid, MmStruct, NR_MM_COUNTERS, rssCounterAddr, RSS_ATOMIC, RSS_PERCPU } from './mm-struct.js';
import type { PercpuFront } from './percpu-front.js';
import { COUNTER_BYTES, PercpuCounter, PercpuCounters } from './percpu-counter.js';

/** What every state implementation is built from (one set per attached kernel and strategy). */
export interface MmParts {
  readonly m: KernelMemory;
  readonly front: PercpuFront;
  readonly counters: PercpuCounters;
  readonly cids: MmCids;
}

export interface MmPercpuState {
  /** Percpu bytes per unit an mm holds once fully set up. */
  readonly unitBytes: number;
  /** Allocate and initialise; on failure nothing is held and false is returned. */
  create(cpu: Cpu, mm: number): boolean;
  /** Release everything create made. */
  destroy(cpu: Cpu, mm: number): void;
  /** add_mm_counter() */
  addRss(cpu: Cpu, mm: number, member: number, value: number): void;
  /** The exact value of one rss counter (percpu_counter_sum). */
  sumRss(cpu: Cpu, mm: number, member: number): number;
  /** A thread joined the mm; `users` is mm_users after the increment. */
  addThread(cpu: Cpu, mm: number, users: number): void;
}

const RSS_BYTES = NR_MM_COUNTERS * COUNTER_BYTES;

export class SeparateAreas implements MmPercpuState {
  readonly unitBytes: number = MmCid.size + RSS_BYTES;

  constructor(protected readonly p: MmParts) {}

  create(cpu: Cpu, mm: number): boolean {
    if (!this.p.cids.mmAllocCid(cpu, mm, this.p.front)) return false;
    if (this.p.counters.percpuCounterInitMany(cpu, rssCounterAddr(mm, 0), 0, NR_MM_COUNTERS, this.p.front)) return true;
    this.p.cids.mmDestroyCid(cpu, mm, this.p.front);
    return false;
  }

  destroy(cpu: Cpu, mm: number): void {
    this.p.cids.mmDestroyCid(cpu, mm, this.p.front);
    this.p.counters.percpuCounterDestroyMany(cpu, rssCounterAddr(mm, 0), NR_MM_COUNTERS, this.p.front);
  }

  addRss(cpu: Cpu, mm: number, member: number, value: number): void {
    this.p.counters.percpuCounterAdd(cpu, rssCounterAddr(mm, member), value);
  }

  sumRss(cpu: Cpu, mm: number, member: number): number {
    return this.p.counters.percpuCounterSum(cpu, rssCounterAddr(mm, member));
  }

  /** Nothing changes for a second thread: the counters are percpu from the start. */
  addThread(_cpu: Cpu, _mm: number, _users: number): void {}
}

export class GroupedArea extends SeparateAreas {
  override create(cpu: Cpu, mm: number): boolean {
    const m = this.p.m;
    const ptr = this.p.front.alloc(cpu, this.unitBytes, MmCid.align);
    MmStruct.pcpuCid.set(m, mm, ptr);
    if (ptr === 0) return false;
    this.p.cids.mmInitCid(cpu, mm);
    this.p.counters.percpuCounterSetupMany(cpu, rssCounterAddr(mm, 0), 0, NR_MM_COUNTERS, ptr + MmCid.size);
    return true;
  }

  override destroy(cpu: Cpu, mm: number): void {
    const m = this.p.m;
    this.p.counters.percpuCounterUnlinkMany(cpu, rssCounterAddr(mm, 0), NR_MM_COUNTERS);
    this.p.front.free(cpu, MmStruct.pcpuCid.get(m, mm), this.unitBytes, MmCid.align);
    MmStruct.pcpuCid.set(m, mm, 0);
  }
}

export class LazyRss extends SeparateAreas {
  override create(cpu: Cpu, mm: number): boolean {
    const m = this.p.m;
    if (!this.p.cids.mmAllocCid(cpu, mm, this.p.front)) return false;
    m.zero(MmStruct.rssAtomic.addr(mm), MmStruct.rssAtomic.size);
    PercpuCounter.counters.set(m, rssCounterAddr(mm, 0), 0);
    Atomics.store(m.i32, MmStruct.rssMode.index(mm), RSS_ATOMIC);
    return true;
  }

  override destroy(cpu: Cpu, mm: number): void {
    this.p.cids.mmDestroyCid(cpu, mm, this.p.front);
    if (this.percpuMode(mm)) this.p.counters.percpuCounterDestroyMany(cpu, rssCounterAddr(mm, 0), NR_MM_COUNTERS, this.p.front);
  }

  override addRss(cpu: Cpu, mm: number, member: number, value: number): void {
    if (this.percpuMode(mm)) super.addRss(cpu, mm, member, value);
    else {
      cpu.cost('atomic', 1);
      Atomics.add(this.p.m.i32, this.atomicIdx(mm, member), value);
    }
  }

  override sumRss(cpu: Cpu, mm: number, member: number): number {
    const residue = Atomics.load(this.p.m.i32, this.atomicIdx(mm, member));
    return this.percpuMode(mm) ? residue + super.sumRss(cpu, mm, member) : residue;
  }

  /** The switch: percpu counters as the second thread appears. */
  override addThread(cpu: Cpu, mm: number, users: number): void {
    if (users === 2 && !this.percpuMode(mm)) this.switchToPercpu(cpu, mm);
  }

  /**
   * Allocate and link the percpu counters, then flip the mode; false (still
   * atomic) if the allocation fails. The caller makes sure only one CPU
   * switches a given mm.
   */
  protected switchToPercpu(cpu: Cpu, mm: number): boolean {
    if (!this.p.counters.percpuCounterInitMany(cpu, rssCounterAddr(mm, 0), 0, NR_MM_COUNTERS, this.p.front)) return false;
    Atomics.store(this.p.m.i32, MmStruct.rssMode.index(mm), RSS_PERCPU);
    return true;
  }

  protected percpuMode(mm: number): boolean {
    return Atomics.load(this.p.m.i32, MmStruct.rssMode.index(mm)) === RSS_PERCPU;
  }

  private atomicIdx(mm: number, member: number): number {
    return (MmStruct.rssAtomic.addr(mm) >> 2) + member;
  }
}
