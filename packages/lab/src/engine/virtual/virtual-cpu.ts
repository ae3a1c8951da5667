// A CPU of the virtual engine: a clock in nanoseconds that only the work this
// CPU does moves forward. spend(ns) is exec-like work the model does not
// break down; cost(kind, units) charges modelled work at the profile's price;
// lock waits and cache-line transfers are added by the virtual locks. The
// per-CPU generator is seeded like the threads engine's (xoroshiro128plus
// from seed and CPU id), so one seed gives one run, bit for bit.
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import type { Cpu, CostKind, Kernel } from '@percpu-lab/machine';
import type { VirtualContext } from './context.js';
import { VirtualConfigError } from './errors.js';

/** A CostKind the machine layer added but no profile prices yet: a compile error first. */
function unpriced(kind: never): never {
  throw new VirtualConfigError(`no cost profile entry prices work of kind ${String(kind)}`);
}

export class VirtualCpu implements Cpu {
  /** Virtual time of this CPU (ns). Virtual locks move it forward too. */
  clock = 0;
  readonly nrPossible: number;
  private readonly rng: RandomGenerator;
  // Prices copied out of the profile: cost() is on every model hot path.
  private readonly atomicNs: number;
  private readonly bitmapWordNs: number;
  private readonly pagePopulateNs: number;
  private readonly zeroByteNs: number;
  private readonly objectInitNs: number;

  constructor(
    readonly kernel: Kernel,
    readonly id: number,
    readonly ctx: VirtualContext,
    seed: number,
  ) {
    this.nrPossible = kernel.nrCpus;
    this.rng = xoroshiro128plus((seed * 0x9e3779b1 + id) | 0);
    const p = ctx.profile;
    this.atomicNs = p.atomicNs;
    this.bitmapWordNs = p.bitmapWordNs;
    this.pagePopulateNs = p.pagePopulateNs;
    this.zeroByteNs = p.zeroByteNs;
    this.objectInitNs = p.objectInitNs;
  }

  now(): number {
    return this.clock;
  }

  spend(ns: number): void {
    if (ns > 0) this.clock += ns;
  }

  cost(kind: CostKind, units: number): void {
    switch (kind) {
      case 'atomic': this.clock += this.atomicNs * units; break;
      case 'bitmapWord': this.clock += this.bitmapWordNs * units; break;
      case 'pagePopulate': this.clock += this.pagePopulateNs * units; break;
      case 'zeroByte': this.clock += this.zeroByteNs * units; break;
      case 'objectInit': this.clock += this.objectInitNs * units; break;
      default: unpriced(kind);
    }
  }

  randInt(lo: number, hi: number): number {
    return uniformInt(this.rng, lo, hi);
  }

  random(): number {
    return uniformFloat64(this.rng);
  }
}
