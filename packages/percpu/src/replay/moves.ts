// A move of the order reconstruction: an allocation replayed earlier than
// its line, with the evidence for it; and what the search that makes the
// moves counts.

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

/** What the order search counted, for the report. */
export interface SearchStats {
  /** Decisions opened: failures for which a move held (some later revisited by backtracking). */
  decisions: number;
  /** Times the search went back to an earlier decision. */
  backtracks: number;
  /** Failures no order within the search explained when they were met (a later move may still explain one). */
  giveUps: number;
  /** Moves rejected because the logged order explained what they made fail. */
  rejected: number;
}
