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
import type { VirtualContext } from './context.js';
import { LINE_STATES } from './line-price.js';
import { VirtualConfigError } from './errors.js';
import { PART_LOOPS, PART_OTHER, PART_PERCPU, PART_TRANSFERS, PART_WORK, TimeSplit } from './time-split.js';

/** A CostKind the machine layer added but no profile prices yet: a compile error first. */
function unpriced(kind: never): never {
  throw new VirtualConfigError(`no cost profile entry prices work of kind ${String(kind)}`);
}

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
  private readonly atomicNs: number;
  private readonly bitmapWordNs: number;
  private readonly pageAllocNs: number;
  private readonly pageFreeNs: number;
  private readonly pagePopulateNs: number;
  private readonly zeroByteNs: number;
  private readonly objectInitNs: number;
  private readonly pcpuAllocCallNs: number;
  private readonly freePercpuCallNs: number;
  private readonly memcgChargeNs: number;
  private readonly memcgUnchargeNs: number;
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
    this.atomicNs = p.atomicNs;
    this.bitmapWordNs = p.bitmapWordNs;
    this.pageAllocNs = p.pageAllocNs;
    this.pageFreeNs = p.pageFreeNs;
    this.pagePopulateNs = p.pagePopulateNs;
    this.zeroByteNs = p.zeroByteNs;
    this.objectInitNs = p.objectInitNs;
    this.pcpuAllocCallNs = p.pcpuAllocCallNs;
    this.freePercpuCallNs = p.freePercpuCallNs;
    this.memcgChargeNs = p.memcgChargeNs;
    this.memcgUnchargeNs = p.memcgUnchargeNs;
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
    switch (kind) {
      case 'atomic': this.charge(PART_OTHER, this.atomicNs * units); break;
      case 'bitmapWord': this.charge(PART_PERCPU, this.bitmapWordNs * units); break;
      case 'pageAlloc': this.charge(PART_OTHER, this.pageAllocNs * units); break;
      case 'pageFree': this.charge(PART_OTHER, this.pageFreeNs * units); break;
      case 'pagePopulate': this.charge(PART_PERCPU, this.pagePopulateNs * units); break;
      case 'zeroByte': this.charge(PART_OTHER, this.zeroByteNs * units); break;
      case 'objectInit': this.charge(PART_OTHER, this.objectInitNs * units); break;
      case 'pcpuAllocCall': this.charge(PART_PERCPU, this.pcpuAllocCallNs * units); break;
      case 'freePercpuCall': this.charge(PART_PERCPU, this.freePercpuCallNs * units); break;
      case 'memcgCharge': this.charge(PART_PERCPU, this.memcgChargeNs * units); break;
      case 'memcgUncharge': this.charge(PART_PERCPU, this.memcgUnchargeNs * units); break;
      default: unpriced(kind);
    }
  }

  touchUnits(pages: number, off: number, bytes: number, n: number): void {
    const counts = this.lineCounts;
    counts.fill(0);
    this.ctx.takeUnitLines(this.id, this.i32, pages, off, bytes, n, counts);
    this.charge(PART_LOOPS, this.ctx.prices.loopNs(n, counts));
  }

  /**
   * The process's own memory: no kernel line is touched, but every byte ages
   * this CPU's cached lines (context.ts), and the writes are priced as
   * streamed bytes, whole lines, like zeroing (zeroByteNs), booked to the
   * work they belong to.
   */
  touchPrivate(bytes: number): void {
    if (bytes <= 0) return;
    const streamed = Math.ceil(bytes / LINE_BYTES) * LINE_BYTES;
    this.ctx.stream(this.id, streamed);
    this.charge(PART_WORK, streamed * this.zeroByteNs);
  }

  touchOwn(addr: number, bytes: number): void {
    const ns = this.ctx.takeLines(this.id, this.id, addr, bytes);
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
