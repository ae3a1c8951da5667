// Order reconstruction: replays the trace in the order the allocator really
// served it, where the placements show that this order differs from the
// lines'.
//
// Why lines come late: trace_percpu_alloc_percpu fires at the very end of
// pcpu_alloc, after pcpu_lock and pcpu_alloc_mutex are dropped and after
// population, zeroing and the memcg hook; trace_percpu_free_percpu fires
// inside pcpu_lock. So frees are logged in the allocator's order, and an
// allocation took its area at some point before its own line (after its
// CPU's previous event, and, we assume, within the window).
//
// The evidence decides, and the logged order is the default:
//  1. Events are applied in the logged order as long as every allocation
//     lands where the kernel put it. Nothing moves there.
//  2. Where one does not, a decision opens: candidate moves (candidates.ts)
//     are tried, smallest first, and the first under which every placement
//     it touches is the kernel's is applied; the replay goes on.
//  3. Look-ahead: a decision stays open for the next LOOKAHEAD_ALLOCS
//     allocation lines (at most the window in time). If one of them fails
//     and no candidate explains it, the search backtracks: the newest open
//     decision takes its next candidate and the replay resumes from there;
//     a decision with none left is dropped and the one before it moves on.
//     So a move is kept only if it explains its placement and the ones that
//     follow. Backtracking is bounded by the look-ahead (events and time)
//     and by a work budget per failure.
//  4. When no order within the search explains a failure, the order first
//     found is put back and the failure is a divergence, except where an
//     open move is what makes it fail: if replaying that decision's failed
//     allocation where the model puts it (the logged order there) explains
//     the failure and everything between, the move is rejected and the
//     divergence is the logged order's own. A move is never kept where it
//     makes a placement fail that the logged order explains.
//
// A task's own order never changes (see candidates.ts). Balance work runs
// at the scheduling point after each event and is taken back with it;
// events that cannot be taken back (a chunk created, destroyed or paired,
// by an event or by balance work) close every open decision. Search work is paid from a credit each replayed event adds
// to, so a trace that diverges for real costs a bounded multiple of its
// length.
import { candidates, MAX_MOVES, type CandidateSink } from './candidates.js';
import type { PcpuEvent } from './events.js';
import type { Move, SearchStats } from './moves.js';
import { Timeline, type OrderHost } from './timeline.js';

/** Allocation lines after a decision that must be explained too before it is kept. */
export const LOOKAHEAD_ALLOCS = 32;

/** Search work (placement checks, applies, take-backs) one failure may spend, backtracking included. */
const FAILURE_BUDGET = 20000;

/** Search work each replayed event adds to the credit, and the most credit held. */
const CREDIT_PER_EVENT = 40;
const MAX_CREDIT = 200000;

/** An allocation that failed in the order so far, and the candidate applied for it now. */
interface Decision extends CandidateSink {
  at: number;
  /** Log length before the candidate, and with it. */
  mark: number;
  appliedMark: number;
  /** Moves before the candidate, and with it. */
  movesMark: number;
  movesAfter: number;
  /** Applies each candidate that holds and yields; resuming takes it back and finds the next. */
  gen: Generator<void, void, void>;
  /** Ordinal of the current candidate (from 1). */
  taken: number;
}

/** Decision (failed allocation) → candidate ordinal; 0 places it where the model puts it. */
type Path = Map<number, number>;

export class OrderSearch {
  private readonly tl: Timeline;
  private readonly moves: Move[] = [];
  private open: Decision[] = [];
  /** Every decision's current candidate, by its failed allocation. */
  private readonly chosen: Path = new Map();
  private cursor = 0;
  private credit = MAX_CREDIT;
  /** Allocation lines before event i. */
  private readonly allocsBefore: Int32Array;
  /** During a give-up: the choices replayed, and whether this is a trial of the logged order. */
  private forced: Path | null = null;
  private trial: { failed: boolean } | null = null;
  /** Lowest log position that must stay rewindable (a give-up's start). */
  private pin = Infinity;
  readonly stats: SearchStats = { decisions: 0, backtracks: 0, giveUps: 0, rejected: 0 };

  constructor(
    host: OrderHost,
    private readonly events: PcpuEvent[],
    /** Seconds an allocation may have come before its line, and the last-resort bound beyond it (window.ts). */
    readonly window: number,
    readonly reach: number,
  ) {
    this.tl = new Timeline(host, events, window, reach);
    this.allocsBefore = new Int32Array(events.length + 1);
    events.forEach((e, i) => (this.allocsBefore[i + 1] = this.allocsBefore[i]! + (e.kind === 'alloc' ? 1 : 0)));
  }

  /** The order events were applied in (the reconstructed order, once run). */
  order(): number[] {
    return this.tl.order();
  }

  allMoves(): Move[] {
    return this.moves;
  }

  run(): void {
    for (;;) {
      const i = this.nextPending();
      if (i < 0) break;
      this.closeDecisions(i);
      this.credit = Math.min(MAX_CREDIT, this.credit + CREDIT_PER_EVENT);
      this.step(i);
    }
    this.barrier();
  }

  private nextPending(): number {
    while (this.cursor < this.events.length && this.tl.isDone(this.cursor)) this.cursor++;
    return this.cursor < this.events.length ? this.cursor : -1;
  }

  /** Apply pending event `i` in the current order (a decision if it fails), then its scheduling point. */
  private step(i: number): void {
    const host = this.tl.host;
    let at = i;
    if (this.events[i]!.kind === 'alloc' && !host.agrees(i)) at = this.failed(i);
    else if (this.trial !== null && !host.safe(i)) this.trial.failed = true;
    else this.record(i);
    if (this.trial?.failed) return;
    if (this.trial !== null && host.workPending()) {
      // Balance work cannot be taken back: a trial that would run it ends, failed.
      this.trial.failed = true;
      return;
    }
    const run = host.settle(at);
    if (run === 'final' || (run !== null && !this.tl.attachBalance(run))) this.barrier();
  }

  /** Apply event `i` where the model puts it. */
  private record(i: number): void {
    const s = this.tl.apply(i, false);
    if (!s.reversible) return this.barrier();
    const lows = this.open.map((d) => d.low);
    this.tl.commitOld(Math.min(this.pin, this.tl.length - 1, ...lows));
    if (this.open.length === 0 && this.pin === Infinity) this.tl.compact();
  }

  /** Nothing applied so far can be taken back: close every decision, commit everything. */
  private barrier(): void {
    this.closeAll();
    this.tl.commitAll();
  }

  /** Close the decisions whose look-ahead is over before event `i`. */
  private closeDecisions(i: number): void {
    const ts = this.events[i]!.ts;
    while (this.open.length > 0) {
      const d = this.open[0]!;
      if (this.allocsBefore[i]! - this.allocsBefore[d.at + 1]! < LOOKAHEAD_ALLOCS && ts - this.events[d.at]!.ts <= this.window) break;
      this.open.shift();
      this.close(d);
    }
    const oldest = this.open[0]?.at ?? i;
    for (const at of this.chosen.keys()) if (at < oldest) this.chosen.delete(at);
  }

  private closeAll(): void {
    for (const d of this.open) this.close(d);
    this.open = [];
    this.chosen.clear();
  }

  /** Keep a decision: its moves record how far the look-ahead checked them. Its generator is never resumed. */
  private close(d: Decision): void {
    const next = this.nextPending();
    const checked = {
      allocations: this.allocsBefore[next < 0 ? this.events.length : next]! - this.allocsBefore[d.at + 1]!,
      throughLine: this.tl.lastLine(),
    };
    for (let k = d.movesMark; k < d.movesAfter && k < this.moves.length; k++) this.moves[k]!.checked = checked;
  }

  // --- decisions and backtracking

  /**
   * Allocation `i` lands elsewhere than the kernel put it, in the order so
   * far. Returns the event whose scheduling point comes next.
   */
  private failed(i: number): number {
    if (this.forced !== null) return this.forcedFailure(i);
    const tl = this.tl;
    const work = tl.work;
    tl.limit = work + Math.min(FAILURE_BUDGET, Math.max(0, this.credit));
    const root = this.open[0]?.at ?? i;
    const greedy: Path = new Map([...this.chosen].filter(([at]) => at >= root));
    greedy.set(i, 0);
    let at: number | false = this.decide(i) ? i : this.backtrack();
    if (at === false) {
      this.giveUp(greedy, root, i, work);
      at = i;
    }
    tl.limit = Infinity;
    this.credit -= tl.work - work;
    return at;
  }

  private decision(i: number): Decision {
    const d: Decision = {
      at: i, mark: this.tl.length, appliedMark: 0, movesMark: this.moves.length, movesAfter: 0,
      taken: 0, low: Infinity, moves: this.moves, gen: undefined as unknown as Generator<void, void, void>,
    };
    d.gen = candidates(this.tl, d, i, i, MAX_MOVES);
    return d;
  }

  /** Open a decision at failed allocation `i` with its first candidate; false (nothing changed) if none holds. */
  private decide(i: number): boolean {
    const d = this.decision(i);
    if (!this.advance(d)) return false;
    this.stats.decisions++;
    this.open.push(d);
    return true;
  }

  /** Apply `d`'s next candidate; false when none is left (then all is as before `d` was opened). */
  private advance(d: Decision): boolean {
    if (d.gen.next().done === true) {
      this.chosen.delete(d.at);
      return false;
    }
    d.taken++;
    d.appliedMark = this.tl.length;
    d.movesAfter = this.moves.length;
    this.chosen.set(d.at, d.taken);
    // Older decisions whose applied steps this candidate took back can no longer be returned to.
    const older = this.open.filter((o) => o !== d);
    const k = older.findIndex((o) => o.appliedMark > d.low);
    if (k >= 0) {
      for (const o of older.slice(k)) this.close(o);
      this.open = this.open.length > older.length ? [...older.slice(0, k), d] : older.slice(0, k);
    }
    return true;
  }

  /**
   * The failure has no candidate where it is: the newest open decision
   * takes its next candidate (the replay resumes after it), or is dropped
   * and the one before it does. Returns that decision's event, or false.
   */
  private backtrack(): number | false {
    const tl = this.tl;
    while (this.open.length > 0 && !tl.spent()) {
      const d = this.open.at(-1)!;
      this.stats.backtracks++;
      this.rewindTo(d);
      if (this.advance(d)) return d.at;
      this.open.pop();
    }
    return false;
  }

  /** Take back everything applied after `d`'s candidate; the replay resumes from `d`. */
  private rewindTo(d: Decision): void {
    this.tl.rewindTo(d.appliedMark);
    this.moves.length = d.movesAfter;
    for (const at of this.chosen.keys()) if (at > d.at) this.chosen.delete(at);
    this.cursor = Math.min(this.cursor, d.at);
  }

  /** Take back every open decision, newest first. */
  private abortAll(): void {
    const tl = this.tl;
    while (this.open.length > 0) {
      const d = this.open.pop()!;
      this.rewindTo(d);
      const limit = tl.limit;
      tl.limit = -Infinity;
      d.gen.next();
      tl.limit = limit;
      this.moves.length = d.movesMark;
      this.chosen.delete(d.at);
    }
  }

  /**
   * No order within the search explains failed allocation `fail`. From the
   * oldest decision still open at the failure (`root`), the order first
   * found there (`greedy`) is replayed and `fail` becomes a divergence,
   * unless a trial shows that one of those moves is what makes it fail: the
   * decision's allocation replayed where the model puts it (the logged
   * order there) and `fail` and everything between explained.
   */
  private giveUp(greedy: Path, root: number, fail: number, work: number): void {
    const tl = this.tl;
    this.stats.giveUps++;
    this.abortAll();
    tl.limit = Infinity;
    this.cursor = Math.min(this.cursor, root);
    this.pin = tl.length;
    const decisions = [...greedy.keys()].filter((at) => at !== fail).sort((a, b) => b - a);
    for (const at of decisions) {
      if (this.credit - (tl.work - work) <= 0) break;
      const alt: Path = new Map([...greedy].filter(([k]) => k < at));
      alt.set(at, 0);
      if (this.tryPath(alt, root, fail)) {
        this.stats.rejected++;
        this.pin = Infinity;
        return;
      }
    }
    this.forced = greedy;
    this.loopThrough(fail);
    this.forced = null;
    this.closeAll();
    this.pin = Infinity;
  }

  /** A trial of `alt` from `root` through `fail`; kept if nothing fails, else taken back. */
  private tryPath(alt: Path, root: number, fail: number): boolean {
    const mark = this.tl.length;
    const movesMark = this.moves.length;
    this.forced = alt;
    this.trial = { failed: false };
    this.loopThrough(fail);
    const ok = !this.trial.failed && this.tl.isDone(fail);
    this.trial = null;
    this.forced = null;
    if (ok) {
      this.closeAll();
      return true;
    }
    this.abortAll();
    this.tl.rewindTo(mark);
    this.moves.length = movesMark;
    for (const at of this.chosen.keys()) if (at >= root) this.chosen.delete(at);
    this.cursor = Math.min(this.cursor, root);
    return false;
  }

  /** The main loop, from the cursor through event `last`, with the choices in `this.forced`. */
  private loopThrough(last: number): void {
    while (this.trial === null || !this.trial.failed) {
      const i = this.nextPending();
      if (i < 0 || i > last) break;
      this.step(i);
    }
  }

  /** A failure while a give-up replays a path. */
  private forcedFailure(i: number): number {
    const choice = this.forced!.get(i);
    if (choice === 0) {
      if (this.trial !== null && !this.tl.host.safe(i)) this.trial.failed = true;
      else this.record(i);
      return i;
    }
    if (choice === undefined) {
      // Not a decision of the path. A trial may open one (its first candidate); the replay of
      // the path found first cannot meet one (same order, same state), but if it did, the
      // allocation stays where the model puts it.
      if (this.trial === null) this.record(i);
      else if (!this.decideWithin(i)) this.trial.failed = true;
      return i;
    }
    const d = this.decision(i);
    for (let k = 0; k < choice; k++) {
      if (!this.advance(d)) {
        this.record(i);
        return i;
      }
    }
    this.open.push(d);
    return i;
  }

  /** decide() with a failure's budget, during a trial. */
  private decideWithin(i: number): boolean {
    const tl = this.tl;
    tl.limit = tl.work + FAILURE_BUDGET;
    const ok = this.decide(i);
    tl.limit = Infinity;
    return ok;
  }
}
