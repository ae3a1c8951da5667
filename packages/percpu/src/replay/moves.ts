// A move of the order reconstruction: an allocation replayed earlier than
// its line, with the evidence for it.

export interface Move {
  /** Event index of the allocation moved. */
  index: number;
  line: number;
  cpu: number;
  /** Line of the first event it now comes before. */
  beforeLine: number;
  /** Its line's timestamp minus that event's: how far back in time it moved (s). */
  shift: number;
  /** The allocation that landed elsewhere than the kernel put it in the logged order: the search started there. */
  failedLine: number;
  /** Lines of the allocations that, with the move, land where the kernel put them: the failed one, the mover, those it passed. */
  explains: number[];
  /** The look-ahead it passed: allocation lines replayed after it, all explained, through this line. */
  checked: { allocations: number; throughLine: number };
}
