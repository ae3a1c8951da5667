// Order reconstruction for the replayer: puts back the order in which the
// allocator really served allocations that the trace logged late.
//
// Why lines come late: trace_percpu_alloc_percpu fires at the very end of
// pcpu_alloc, after pcpu_lock and pcpu_alloc_mutex are dropped and after
// population, zeroing and the memcg hook; trace_percpu_free_percpu fires
// inside pcpu_lock. So frees are logged in the allocator's order, and an
// allocation took its area at some point before its own line. That point is
// after the previous event of its CPU (a CPU's events are sequential) and,
// we assume, no more than `window` seconds before the line.
//
// The search, run when an allocation's placement disagrees with the
// kernel's: move one allocation earlier, either the disagreeing one (past
// the newest applied events of other CPUs, taking them back) or the next
// pending event of another CPU when it is an allocation (hoisted before the
// disagreeing one, and possibly past applied events too). Candidates are
// tried by depth (how many applied events the mover passes), nearest first,
// the disagreeing allocation before the others, so the first that works is
// the smallest move. A candidate works when the mover lands where the
// kernel put it, every taken-back event replays after it with an
// allocation still landing where the kernel put it, and so does the
// disagreeing one. When no single move works, a second one is tried for the
// disagreeing allocation on top of the first (two CPUs logged late around
// it). Events that cannot be taken back (balance work ran, a chunk was
// created, a divergence) bound the search.
//
// Per-CPU order never changes: only the first pending event of a CPU can be
// hoisted, and a mover never passes an event of its own CPU.
import type { PcpuEvent } from './events.js';

/** An applied event, as the search sees it. */
export interface Step {
  index: number;
  /** False when applying it changed what cannot be taken back. */
  reversible: boolean;
}

/** What the replayer offers the search. */
export interface OrderHost {
  /** Would allocation `index` land where the kernel put it, if applied now? */
  agrees(index: number): boolean;
  /** Apply event `index` (no balance work yet) and return its step. */
  apply(index: number): Step;
  /** Undo the newest applied step. */
  takeBack(step: Step): void;
}

/** An allocation replayed earlier than its line. */
export interface Move {
  index: number;
  line: number;
  cpu: number;
  /** Line of the first event it now comes before. */
  beforeLine: number;
  /** Its line's timestamp minus that event's: how far back in time it moved (s). */
  shift: number;
}

/** Most moves combined to explain one allocation. */
const MAX_MOVES = 2;

/**
 * Model operations (placement checks, applies, take-backs) one search may
 * spend before it gives up: keeps a trace that diverges for real (where
 * every later allocation disagrees) from costing a full search per event.
 */
const SEARCH_BUDGET = 20000;

export class OrderSearch {
  /** Applied steps that may still be taken back, oldest first, from `start`. */
  private log: Step[] = [];
  private start = 0;
  /** Applied order before the log. */
  private readonly committed: number[] = [];
  readonly moves: Move[] = [];
  private readonly queues = new Map<number, number[]>();
  private readonly heads = new Map<number, number>();
  /** Position of each event in its CPU's queue. */
  private readonly posInQueue: Int32Array;
  private work = 0;

  constructor(
    private readonly host: OrderHost,
    private readonly events: PcpuEvent[],
    /** Seconds an allocation may have come before its line. */
    readonly window: number,
    /** Events applied (or hoisted) so far. */
    private readonly done: Uint8Array,
  ) {
    this.posInQueue = new Int32Array(events.length);
    events.forEach((e, i) => {
      let q = this.queues.get(e.cpu);
      if (q === undefined) this.queues.set(e.cpu, (q = []));
      this.posInQueue[i] = q.length;
      q.push(i);
    });
    for (const cpu of this.queues.keys()) this.heads.set(cpu, 0);
  }

  /** The order events were applied in (the reconstructed order, once the run is over). */
  order(): number[] {
    return [...this.committed, ...this.log.slice(this.start).map((s) => s.index)];
  }

  /** Record an applied step; steps older than the window can no longer move. */
  record(step: Step): void {
    if (!step.reversible) this.barrier();
    this.log.push(step);
    const ts = this.events[step.index]!.ts;
    while (this.start < this.log.length - 1 && ts - this.events[this.log[this.start]!.index]!.ts > this.window) {
      this.committed.push(this.log[this.start++]!.index);
    }
    if (this.start > 4096) {
      this.log = this.log.slice(this.start);
      this.start = 0;
    }
  }

  /** Nothing applied so far can be taken back (balance work ran). */
  barrier(): void {
    for (let k = this.start; k < this.log.length; k++) this.committed.push(this.log[k]!.index);
    this.log = [];
    this.start = 0;
  }

  /** The next pending event of `cpu`, or -1. */
  private head(cpu: number): number {
    const q = this.queues.get(cpu)!;
    let h = this.heads.get(cpu)!;
    while (h < q.length && this.done[q[h]!] === 1) h++;
    this.heads.set(cpu, h);
    return h < q.length ? q[h]! : -1;
  }

  /**
   * Allocation `index` (marked done, not applied) disagrees with the kernel.
   * Find the smallest move under which it and everything moved agree; apply
   * it and return true, or leave everything as it was and return false.
   */
  search(index: number): boolean {
    for (let moves = 1; moves <= MAX_MOVES; moves++) {
      this.work = 0;
      if (this.find(index, moves)) return true;
    }
    return false;
  }

  private agrees(index: number): boolean {
    this.work++;
    return this.host.agrees(index);
  }

  private apply(index: number): Step {
    this.work++;
    return this.host.apply(index);
  }

  private takeBack(step: Step): void {
    this.work++;
    this.host.takeBack(step);
  }

  /** search() with at most `budget` moves. */
  private find(index: number, budget: number): boolean {
    const e = this.events[index]!;
    const taken: Step[] = [];
    const blocked = new Set<number>();
    for (let depth = 0; this.work < SEARCH_BUDGET; depth++) {
      if (depth > 0) {
        const a = this.log.length > this.start ? this.log[this.log.length - 1]! : undefined;
        if (a === undefined || !a.reversible || e.ts - this.events[a.index]!.ts > this.window) break;
        this.log.pop();
        this.takeBack(a);
        taken.unshift(a);
        blocked.add(this.events[a.index]!.cpu);
      }
      const at = taken.length > 0 ? this.events[taken[0]!.index]! : e;
      if (depth > 0 && !blocked.has(e.cpu) && this.tryMove(index, taken, -1, budget)) return true;
      for (const cpu of this.queues.keys()) {
        if (cpu === e.cpu || blocked.has(cpu)) continue;
        const j = this.head(cpu);
        if (j < 0) continue;
        const f = this.events[j]!;
        if (f.kind !== 'alloc' || f.ts - at.ts > this.window) continue;
        if (this.tryMove(j, taken, index, budget)) return true;
      }
    }
    for (const a of taken) this.log.push(this.host.apply(a.index));
    return false;
  }

  /**
   * Apply `mover` now (before the taken-back steps), then the taken-back
   * steps, then `then` (the disagreeing allocation, unless it is the mover).
   */
  private tryMove(mover: number, taken: Step[], then: number, budget: number): boolean {
    if (this.work >= SEARCH_BUDGET || !this.agrees(mover)) return false;
    const mark = this.log.length;
    const before = this.events[taken.length > 0 ? taken[0]!.index : then]!;
    const rollback = () => {
      while (this.log.length > mark) this.takeBack(this.log.pop()!);
      return false;
    };
    this.log.push(this.apply(mover));
    for (const a of taken) {
      if (this.events[a.index]!.kind === 'alloc' && !this.agrees(a.index)) return rollback();
      this.log.push(this.apply(a.index));
    }
    if (then >= 0) {
      this.done[mover] = 1;
      let ok = this.agrees(then);
      if (ok) this.log.push(this.apply(then));
      else if (budget > 1) ok = this.find(then, budget - 1);
      if (!ok) {
        this.done[mover] = 0;
        const cpu = this.events[mover]!.cpu;
        this.heads.set(cpu, Math.min(this.heads.get(cpu)!, this.posInQueue[mover]!));
        return rollback();
      }
    }
    const m = this.events[mover]!;
    this.moves.push({ index: mover, line: m.line, cpu: m.cpu, beforeLine: before.line, shift: m.ts - before.ts });
    // A step that cannot be taken back (it created a chunk) ends what later searches may undo.
    for (let k = this.log.length - 1; k >= mark; k--) {
      if (!this.log[k]!.reversible) {
        for (let x = this.start; x <= k; x++) this.committed.push(this.log[x]!.index);
        this.log = this.log.slice(k + 1);
        this.start = 0;
        break;
      }
    }
    return true;
  }
}
