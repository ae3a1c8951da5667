// Candidate orders for an allocation that fails in the current order.
//
// An allocation took its area at some point before its line, after the
// previous event of its sequence (its task's, or its CPU's interrupts: see
// sequenceOf) and, we assume, within the window (as a last resort, the
// reach beyond it: window.ts). So where allocation F
// lands elsewhere than the kernel put it, the true order may be one of:
//   - F itself came earlier, before the newest applied events of other
//     sequences (taken back, and applied again after it);
//   - another sequence's next pending allocation came earlier than its
//     line, before F (hoisted), and possibly before applied events too
//     (but after its own sequence's previous event);
//   - an allocation already applied (its placement agreed) came before
//     other applied events: an allocation that breaks the chunk's contig
//     hint makes pcpu_chunk_refresh_hint rescan the chunk, and whether a
//     free came before or after that decides what the chunk's scan hint
//     remembers, which a later allocation's placement shows.
// No event ever passes one of its own sequence.
//
// Candidates go by the time shift they imply (how much earlier than its
// line the mover must have taken its area), in rounds of growing shift,
// and within a round by depth (how many applied events the mover passes),
// F before the others: the first that holds is the smallest move. A
// candidate holds when the mover lands where the kernel put it, every
// event taken back replays after it with each allocation again at the
// kernel's placement, and so does F. When a hoisted allocation holds but F
// still fails, a second move for F is tried on top of it (two tasks logged
// late around F).
//
// The enumeration is a generator: it applies each candidate that holds and
// yields; resuming it takes that candidate back and goes on to the next.
// When it ends, everything is as it was before it began. A caller that
// keeps a candidate simply never resumes it.
import type { Move } from './moves.js';
import type { Timeline } from './timeline.js';

/** Most moves combined to explain one allocation (a hoist, then a second move for the failed one). */
export const MAX_MOVES = 2;

/**
 * Upper bounds of the time-shift rounds (s), up to the window; then one
 * last round up to the reach (see window.ts). An alloc line is usually
 * microseconds late (zeroing, the memcg hook), milliseconds when the task
 * was preempted or its vCPU descheduled.
 */
const SHIFT_ROUNDS = [50e-6, 500e-6, 5e-3, 50e-3, 500e-3, Infinity];

/** Most applied events a mover passes (for a second move: fewer; for an applied allocation: fewer). */
const MAX_DEPTH = 64;
const MAX_DEPTH_SECOND = 8;
const MAX_DEPTH_APPLIED = 16;

/** Pending events looked at for hoists, and hoists tried at each depth. */
const MAX_SCANNED = 4096;
const MAX_HOISTS = 16;

/** What a decision learns from its candidate enumeration. */
export interface CandidateSink {
  /** Lowest log position the current candidate took back to (its events moved). */
  low: number;
  readonly moves: Move[];
}

/**
 * Candidates for allocation `fail` (pending, not applied). `decisionAt` is
 * the allocation whose failure opened the decision; `movesLeft` bounds how
 * many moves combine; `low` is the lowest position moved by outer moves.
 * Candidates come in rounds of growing time shift (SHIFT_ROUNDS, up to
 * the window, then to the reach), so a small move is tried before a large
 * one whatever its depth.
 */
export function* candidates(
  tl: Timeline,
  sink: CandidateSink,
  fail: number,
  decisionAt: number,
  movesLeft: number,
  low = Infinity,
): Generator<void, void, void> {
  const maxDepth = movesLeft >= MAX_MOVES ? MAX_DEPTH : MAX_DEPTH_SECOND;
  let lo = -1;
  for (const bound of SHIFT_ROUNDS) {
    const hi = Math.min(bound, tl.window);
    yield* round(tl, sink, fail, decisionAt, movesLeft, low, lo, hi, maxDepth);
    if (hi >= tl.window || tl.spent()) break;
    lo = hi;
  }
  if (tl.reach > tl.window && !tl.spent()) yield* round(tl, sink, fail, decisionAt, movesLeft, low, tl.window, tl.reach, maxDepth);
}

/** The candidates whose time shift is in (lo, hi]. */
function* round(
  tl: Timeline,
  sink: CandidateSink,
  fail: number,
  decisionAt: number,
  movesLeft: number,
  low: number,
  lo: number,
  hi: number,
  maxDepth: number,
): Generator<void, void, void> {
  const events = tl.events;
  const e = events[fail]!;
  const taken: number[] = [];
  const blocked = new Set<string>();
  const own = tl.sequence(fail);
  const hoistable = hoists(tl, fail, hi);
  for (let depth = 0; depth <= maxDepth && !tl.spent(); depth++) {
    if (depth > 0) {
      const a = tl.top();
      if (a === undefined || e.ts - events[a.index]!.ts > hi) break;
      tl.takeBackTop();
      taken.unshift(a.index);
      blocked.add(tl.sequence(a.index));
    }
    const here = Math.min(low, tl.length);
    const at = taken.length > 0 ? events[taken[0]!]! : e;
    if (depth > 0 && e.ts - at.ts > lo && !blocked.has(own)) yield* attempt(tl, sink, fail, taken, -1, decisionAt, movesLeft, here);
    // An applied allocation moved before the others taken back: its placement agreed, the hints it left may not.
    for (let p = 1; depth <= MAX_DEPTH_APPLIED && p < taken.length && !tl.spent(); p++) {
      const k = taken[p]!;
      const shift = events[k]!.ts - at.ts;
      if (events[k]!.kind !== 'alloc' || shift <= lo || shift > hi) continue;
      const seq = tl.sequence(k);
      if (taken.slice(0, p).some((x) => tl.sequence(x) === seq)) continue;
      yield* attempt(tl, sink, k, taken.filter((x) => x !== k), fail, decisionAt, movesLeft, here);
    }
    const movers = hoistable
      .filter((h) => {
        const shift = events[h.index]!.ts - at.ts;
        return shift > lo && shift <= hi && h.prevTs <= at.ts && !blocked.has(h.seq);
      })
      .sort((a, b) => b.prevTs - a.prevTs || a.index - b.index)
      .slice(0, MAX_HOISTS);
    for (const h of movers) {
      if (tl.spent()) break;
      yield* attempt(tl, sink, h.index, taken, fail, decisionAt, movesLeft, here);
    }
  }
  for (const k of taken) tl.apply(k, false);
}

/** An allocation that may be hoisted: the next pending event of its sequence. */
interface Hoistable {
  index: number;
  seq: string;
  /** Timestamp of its sequence's previous event (-Infinity for a sequence's first). */
  prevTs: number;
}

/**
 * The pending allocations after `fail`, within `hi` seconds of it, that
 * come first in their sequence (not `fail`'s). They are tried most recently
 * active sequence first: a task caught in the middle of a burst of
 * allocations (preempted before its trace point) is the usual late one.
 */
function hoists(tl: Timeline, fail: number, hi: number): Hoistable[] {
  const events = tl.events;
  const own = tl.sequence(fail);
  const ts = events[fail]!.ts;
  const out: Hoistable[] = [];
  for (let j = fail + 1, scanned = 0; j < events.length && scanned < MAX_SCANNED; j++) {
    if (tl.isDone(j)) continue;
    scanned++;
    const f = events[j]!;
    if (f.ts - ts > hi) break;
    const seq = tl.sequence(j);
    if (f.kind !== 'alloc' || seq === own || tl.head(seq) !== j) continue;
    const prev = tl.previous(j);
    out.push({ index: j, seq, prevTs: prev < 0 ? -Infinity : events[prev]!.ts });
  }
  return out;
}

/**
 * Apply `mover` now, then the other taken-back events (`rest`), then `then`
 * (the failed allocation, unless it is the mover, then -1); yield if all
 * hold; take it all back.
 */
function* attempt(
  tl: Timeline,
  sink: CandidateSink,
  mover: number,
  rest: number[],
  then: number,
  decisionAt: number,
  movesLeft: number,
  low: number,
): Generator<void, void, void> {
  if (tl.spent() || !tl.holds(mover)) return;
  const events = tl.events;
  const mark = tl.length;
  const movesMark = sink.moves.length;
  tl.apply(mover, true);
  const held = rest.every((k) => {
    if (events[k]!.kind === 'alloc' ? !tl.holds(k) : !tl.host.safe(k)) return false;
    tl.apply(k, false);
    return true;
  });
  if (held) {
    const m = events[mover]!;
    const before = events[rest.length > 0 ? rest[0]! : then]!;
    const failed = events[decisionAt]!;
    sink.moves.push({
      index: mover,
      line: m.line,
      cpu: m.cpu,
      beforeLine: before.line,
      shift: m.ts - before.ts,
      failedLine: failed.line,
      explains: [...new Set([failed.line, m.line, ...rest.filter((k) => events[k]!.kind === 'alloc').map((k) => events[k]!.line)])],
      checked: { allocations: 0, throughLine: 0 },
    });
    if (then < 0) {
      sink.low = low;
      yield;
    } else if (tl.holds(then)) {
      tl.apply(then, false);
      sink.low = low;
      yield;
    } else if (movesLeft > 1) {
      yield* candidates(tl, sink, then, decisionAt, movesLeft - 1, low);
    }
  }
  tl.rewindTo(mark);
  sink.moves.length = movesMark;
}
