// What every virtual CPU and virtual lock of one run shares: the cost
// profile, the socket topology that prices cache-line transfers, and the
// scheduling horizon (the earliest clock of any CPU that can still run). The
// engine is one thread, so this is plain JavaScript state, not kernel memory.
import type { CostProfile } from './profile.js';
import { VirtualConfigError } from './errors.js';

export interface Topology {
  /** CPUs 0..n-1 form socket 0, n..2n-1 socket 1, …; omit for one socket. */
  cpusPerSocket?: number;
}

export class VirtualContext {
  /**
   * No CPU that can still run has a clock below this, so no lock request can
   * come earlier: lock timelines forget what ended before it.
   */
  horizon = 0;
  private readonly socketOf: Int32Array;
  private readonly sameNs: number;
  private readonly crossNs: number;

  constructor(readonly profile: CostProfile, nrPossible: number, topology: Topology) {
    const per = topology.cpusPerSocket ?? nrPossible;
    if (!Number.isInteger(per) || per < 1) {
      throw new VirtualConfigError(`cpusPerSocket must be a positive integer, got ${per}`);
    }
    this.socketOf = new Int32Array(nrPossible);
    for (let c = 0; c < nrPossible; c++) this.socketOf[c] = Math.floor(c / per);
    this.sameNs = profile.lineTransferSameSocketNs;
    this.crossNs = profile.lineTransferCrossSocketNs;
  }

  /** Cost of pulling a line that CPU `from` last wrote into CPU `to`'s cache. */
  transferNs(from: number, to: number): number {
    return this.socketOf[from] === this.socketOf[to] ? this.sameNs : this.crossNs;
  }

  get nrSockets(): number {
    return this.socketOf.length === 0 ? 0 : this.socketOf[this.socketOf.length - 1]! + 1;
  }
}
