// Where a cache line is, for the CPU that takes it, and what that costs.
//
// A line of kernel memory is in one of these states for the CPU that
// touches it (engine/virtual/context.ts says how the state follows from who touched the
// line last and how much that CPU streamed since):
//   hit          in this CPU's own private cache
//   smt          in the private cache of its SMT sibling (same core)
//   sameSocket   in the private cache of another core of its socket
//   otherSocket  in the private cache of a core on another socket
//   llcLocal     evicted from its holder's private cache into this socket's LLC
//   llcRemote    the same, in another socket's LLC (priced as a cross-socket transfer)
//   dramLocal    in no cache: DRAM of this CPU's node (the unit's CPU is on this socket)
//   dramRemote   in no cache: DRAM of another node
// Every price lives in this file: one table of prices by state, and one
// function that prices a loop over CPUs from how many of its lines were in
// each state. Line-by-line pricing (a single access) and the aggregate
// pricing of a whole loop (engine/virtual/unit-columns.ts) both go through them, so a
// different rule — another overlap per state, a per-unit term — is one edit
// here and reaches both. A loop's lines are priced as counts × prices; the
// engine used to add each line's price in turn, which is the same sum when
// prices are whole nanoseconds (the kernel profile) and may differ in the
// last bits of a double otherwise.
import type { CostProfile } from './profile.js';

export const LINE_HIT = 0;
export const LINE_SMT = 1;
export const LINE_SAME_SOCKET = 2;
export const LINE_OTHER_SOCKET = 3;
export const LINE_LLC_LOCAL = 4;
export const LINE_LLC_REMOTE = 5;
export const LINE_DRAM_LOCAL = 6;
export const LINE_DRAM_REMOTE = 7;
export const LINE_STATES = 8;

export const LINE_STATE_NAMES = ['hit', 'smt', 'sameSocket', 'otherSocket', 'llcLocal', 'llcRemote', 'dramLocal', 'dramRemote'] as const;

export class LinePrices {
  /** ns to take a line in each state (beyond a hit), by LINE_* index. */
  readonly byState: Float64Array;
  private readonly loopIterNs: number;
  private readonly lineOverlap: number;

  constructor(p: CostProfile) {
    this.byState = Float64Array.of(
      0,
      p.lineTransferSmtNs,
      p.lineTransferSameSocketNs,
      p.lineTransferCrossSocketNs,
      p.llcHitNs,
      p.lineTransferCrossSocketNs,
      p.dramLocalNs,
      p.dramRemoteNs,
    );
    this.loopIterNs = p.percpuLoopIterNs;
    this.lineOverlap = p.lineOverlap;
  }

  /**
   * Whether every state but a hit has a price: then every line a loop does
   * not find in its own cache is brought in and ages the cache, which the
   * aggregate pricing relies on (unit-columns.ts); otherwise loops are
   * priced line by line.
   */
  get everyMissCosts(): boolean {
    return this.byState.every((ns, s) => s === LINE_HIT || ns > 0);
  }

  /**
   * A loop over `n` CPUs whose lines were found in each state `counts[s]`
   * times: an iteration per CPU, and the lines' prices with the misses of
   * one loop overlapping (lineOverlap in flight at once).
   */
  loopNs(n: number, counts: Float64Array): number {
    let miss = 0;
    for (let s = 1; s < LINE_STATES; s++) miss += counts[s]! * this.byState[s]!;
    return n * this.loopIterNs + miss / this.lineOverlap;
  }
}
