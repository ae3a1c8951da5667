// The percpu allocator as one CPU (worker) uses it: the public face of the
// model. It holds no shared state (everything is in kernel memory, found
// through the symbol 'pcpu'); construct one per attached kernel.
//
// Lock rules (mm/percpu.c): pcpu_alloc_mutex serialises chunk creation and
// destruction, population and depopulation, and is held by every sleeping
// allocation for its whole duration; pcpu_lock (a spinlock) protects the
// maps, hints, slot lists and counters. free_percpu takes only pcpu_lock.
import { initWork, PAGE_SHIFT, PAGE_SIZE, type Cpu, type Kernel } from '@percpu-lab/machine';
import { pcpuAlloc, pcpuAllocBulk, pcpuZeroUnits } from './alloc.js';
import { pcpuBalanceWorkfn } from './balance.js';
import { BALANCE_WORK, GFP_KERNEL } from './constants.js';
import { PcpuCtx } from './context.js';
import { PcpuBadPointerError, ptrName } from './errors.js';
import { freePercpu } from './free.js';
import { pcpuStats, type PcpuStats } from './stats.js';
import { pcpuVerify } from './verify.js';
import { takeWordsScanned } from './bitmap.js';

/**
 * Diagnostics scan bitmaps too; those words are not work of the modelled
 * kernel, so drop them before the next operation would be charged for them.
 */
function uncharged(): void {
  takeWordsScanned();
}

export class Percpu {
  /** The allocator's working context; for the replayer and tests, not a stable API. */
  readonly ctx: PcpuCtx;
  private readonly i32: Int32Array;
  private readonly pageTables: number;
  private readonly vaShift: number;
  private readonly vaMask: number;
  private readonly nrUnits: number;

  constructor(kernel: Kernel) {
    const p = (this.ctx = new PcpuCtx(kernel));
    this.i32 = p.i32;
    this.pageTables = p.pageTables >> 2;
    this.vaShift = p.vaShift;
    this.vaMask = p.vaMask;
    this.nrUnits = p.nrUnits;
    initWork(kernel, BALANCE_WORK, (cpu) => pcpuBalanceWorkfn(p, cpu));
  }

  /**
   * alloc_percpu / __alloc_reserved_percpu: `size` zeroed bytes aligned to
   * `align` in every possible CPU's unit. Returns a percpu pointer, or 0 on
   * failure or for an illegal request (counted in stats().warnings).
   * `overwritten`: the caller writes every byte of every unit before any
   * read, so an engine that prices work may skip the zeroing's stores
   * (charged all the same; Cpu.pricesWork).
   */
  pcpuAlloc(cpu: Cpu, size: number, align: number, reserved = false, gfp = GFP_KERNEL, overwritten = false): number {
    return pcpuAlloc(this.ctx, cpu, size, align, reserved, gfp, null, overwritten);
  }

  /**
   * `n` pcpuAlloc(cpu, size, align) calls in one: pcpu_alloc_mutex taken
   * once, pcpu_lock once per fit pass (see alloc.ts). Writes the percpu
   * pointers to out[0..count) and returns count, which is below n only when
   * memory (or, for GFP_ATOMIC, populated room) ran out; then the failure
   * is counted once. Dynamic areas only (no reserved chunk).
   */
  pcpuAllocBulk(cpu: Cpu, size: number, align: number, n: number, out: number[] | Uint32Array, gfp = GFP_KERNEL): number {
    return pcpuAllocBulk(this.ctx, cpu, size, align, n, out, gfp);
  }

  /**
   * memset(per_cpu_ptr(ptr, c), 0, bytes) for CPUs 0..nrCpus-1 (default
   * every unit), charged as zeroing: what a cache in front of the allocator
   * owes for alloc_percpu's promise of zeroed memory.
   */
  zeroPercpu(cpu: Cpu, ptr: number, bytes: number, nrCpus = this.nrUnits, overwritten = false): void {
    if (nrCpus > this.nrUnits) this.badPtr(ptr, nrCpus - 1);
    // Both ends must be backed (a live area is backed throughout).
    this.perCpuPages(ptr + bytes - 1);
    this.perCpuPages(ptr);
    pcpuZeroUnits(this.ctx, cpu, this.i32[this.pageTables + (ptr >>> this.vaShift)]!, ptr & this.vaMask, bytes, nrCpus, overwritten);
  }

  /** free_percpu: 0 is ignored; a foreign pointer or a double free throws. */
  freePercpu(cpu: Cpu, ptr: number): void {
    freePercpu(this.ctx, cpu, ptr);
  }

  /** per_cpu_ptr: the kernel-memory address of `cpuId`'s copy of the area. */
  perCpuPtr(ptr: number, cpuId: number): number {
    const i32 = this.i32;
    const pt = i32[this.pageTables + (ptr >>> this.vaShift)]!;
    const off = ptr & this.vaMask;
    const page = pt > 0 ? i32[(pt >> 2) + (off >>> PAGE_SHIFT) * this.nrUnits + cpuId]! : 0;
    if (!(page > 0) || cpuId >= this.nrUnits) this.badPtr(ptr, cpuId);
    return page + (off & (PAGE_SIZE - 1));
  }

  /**
   * For loops over every CPU: the Int32Array index `row` of the page-table
   * row of ptr's page, so that per_cpu_ptr(ptr, c) is
   * i32[row + c] + (ptr & (PAGE_SIZE - 1)) for c below the number of units.
   * Valid for fields that do not cross a page (naturally aligned ones never
   * do); one table walk per area instead of one per CPU.
   */
  perCpuPages(ptr: number): number {
    const i32 = this.i32;
    const pt = i32[this.pageTables + (ptr >>> this.vaShift)]!;
    const row = (pt >> 2) + ((ptr & this.vaMask) >>> PAGE_SHIFT) * this.nrUnits;
    // Population backs a page in every unit at once: unit 0 speaks for the row.
    if (!(pt > 0) || !(i32[row]! > 0)) this.badPtr(ptr, 0);
    return row;
  }

  /** this_cpu_ptr */
  thisCpuPtr(cpu: Cpu, ptr: number): number {
    return this.perCpuPtr(ptr, cpu.id);
  }

  /** Check every invariant from scratch; throws PcpuInvariantError. Call with CPUs idle. */
  verify(): void {
    pcpuVerify(this.ctx);
    uncharged();
  }

  /** /sys/kernel/debug/percpu_stats plus the size histogram. Call with CPUs idle. */
  stats(): PcpuStats {
    const s = pcpuStats(this.ctx);
    uncharged();
    return s;
  }

  private badPtr(ptr: number, cpuId: number): never {
    throw new PcpuBadPointerError(
      `perCpuPtr(${ptrName(ptr)}, ${cpuId}): not a live percpu pointer of this allocator or not a possible CPU`,
    );
  }
}
