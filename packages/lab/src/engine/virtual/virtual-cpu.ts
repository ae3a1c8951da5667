// A CPU of the virtual engine: a clock in nanoseconds that only the work this
// CPU does moves forward. spend(ns) is exec-like work the model does not
// break down; cost(kind, units) charges modelled work at the profile's price;
// touchUnits/touchOwn price the cache lines a CPU pulls in by who holds them
// (a loop over CPUs from how many of its lines were in each state,
// line-price.ts) and touchPrivate the process memory that pushes them out
// (context.ts); lock waits and lock-line transfers are added by the virtual
// locks. Every charge is also booked to one part of the CPU's time split
// (time-split.ts). The per-CPU generator is seeded like the threads engine's
// (xoroshiro128plus from seed and CPU id), so one seed gives one run, bit for
// bit.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { CACHE_LINE as LINE_BYTES, type Cpu, type CostKind, type Kernel } from '@percpu-lab/machine';
import { kindTable, LINE_STATES, PART_LOOPS, PART_TRANSFERS, PART_WORK, type KindTable } from '../../cost-model/index.js';
import type { VirtualContext } from './context.js';
import { TimeSplit } from './time-split.js';

export class VirtualCpu implements Cpu {
  /** Virtual time of this CPU (ns). Virtual locks move it forward too. */
  clock = 0;
  readonly nrPossible: number;
  /** Work is charged from the profile: stores nobody reads may be left out (Cpu.pricesWork). */
  readonly pricesWork = true;
  readonly split = new TimeSplit();
  private readonly parts: Float64Array;
  private readonly i32: Int32Array;
  private readonly rng: RandomGenerator;
  // Prices copied out of the profile: cost() is on every model hot path.
  private readonly kinds: KindTable;
  /** Lines of the current loop over CPUs by state (line-price.ts). */
  private readonly lineCounts = new Float64Array(LINE_STATES);

  constructor(
    readonly kernel: Kernel,
    readonly id: number,
    readonly ctx: VirtualContext,
    seed: number,
  ) {
    this.nrPossible = kernel.nrCpus;
    this.parts = this.split.parts;
    this.i32 = kernel.mem.i32;
    this.rng = xoroshiro128plus((seed * 0x9e3779b1 + id) | 0);
    const p = ctx.profile;
    this.kinds = kindTable(p);
  }

  now(): number {
    return this.clock;
  }

  spend(ns: number): void {
    if (ns > 0) this.charge(PART_WORK, ns);
  }

  cost(kind: CostKind, units: number): void {
    // Not a price: population is when percpu page-table rows change, which the loops' aggregate must know.
    if (kind === 'pagePopulate') this.ctx.unitPagesChanged();
    this.charge(this.kinds.part[kind], this.kinds.ns[kind] * units);
  }

  touchUnits(pages: number, off: number, bytes: number, n: number): void {
    const counts = this.lineCounts;
    counts.fill(0);
    this.ctx.takeUnitLines(this.id, this.i32, pages, off, bytes, n, counts);
    this.charge(PART_LOOPS, this.ctx.prices.loopNs(n, counts));
  }

  /**
   * The process's own memory: no kernel line is touched, but every byte ages
   * this CPU's cached lines (context.ts). The writes are priced by the caller
   * (cost: footprintByte, userPageByte), as the step they belong to.
   */
  touchPrivate(bytes: number): void {
    if (bytes > 0) this.ctx.stream(this.id, Math.ceil(bytes / LINE_BYTES) * LINE_BYTES);
  }

  touchOwn(addr: number, bytes: number): void {
    const ns = this.ctx.takeLines(this.id, this.id, addr, bytes);
    if (ns > 0) this.charge(PART_TRANSFERS, ns);
  }

  /** A shared line lives in boot memory, on CPU 0's node, when no cache has it. */
  touchShared(addr: number, bytes: number): void {
    const ns = this.ctx.takeLines(this.id, 0, addr, bytes);
    if (ns > 0) this.charge(PART_TRANSFERS, ns);
  }

  /** Move the clock by `ns` and book it to `part` (time-split.ts). */
  charge(part: number, ns: number): void {
    this.clock += ns;
    this.parts[part]! += ns;
  }

  /** Book `ns` of lock wait to lock class `classId`. */
  chargeWait(classId: number, ns: number): void {
    this.clock += ns;
    this.split.waitByClass[classId]! += ns;
  }

  randInt(lo: number, hi: number): number {
    return uniformInt(this.rng, lo, hi);
  }

  random(): number {
    return uniformFloat64(this.rng);
  }
}
