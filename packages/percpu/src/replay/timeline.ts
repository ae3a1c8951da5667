// The applied order of a replay under reconstruction: every event applied so
// far, oldest first, the newest of which can be taken back (with the undo
// records place.ts keeps, with any balance work that ran after them) and
// applied again elsewhere. Steps older than the search's reach, and
// everything before a step that cannot be taken back, are committed: they
// can no longer move. Also tracks which events are applied and the
// next pending event of each sequence (a task's, or a CPU's interrupts: see
// sequenceOf; the only one of its events that may be hoisted), and counts
// the work spent on the model.
import { sequenceOf, type PcpuEvent } from './events.js';
import type { Step } from './place.js';

/** What the replayer offers the reconstruction. */
export interface OrderHost {
  /** Would allocation `index` land where the kernel put it, if applied now? */
  agrees(index: number): boolean;
  /** Could event `index`, applied now, be taken back again (it would neither create nor pair a chunk)? */
  safe(index: number): boolean;
  /** Apply event `index` (no balance work yet) and return its step. */
  apply(index: number, reordered: boolean): Step;
  /** Undo `step`, the newest step still applied. */
  takeBack(step: Step): void;
  /**
   * The scheduling point after event `index`: run pending balance work.
   * Null when none ran; 'final' when it created or destroyed a chunk (it
   * cannot be undone); else what undoes it.
   */
  settle(index: number): BalanceRun;
  /** Would balance work run at the next scheduling point? */
  workPending(): boolean;
}

export type BalanceRun = { restore(): void } | 'final' | null;

export class Timeline {
  private log: Step[] = [];
  /** Log positions below this are committed. */
  private start = 0;
  private readonly committed: number[] = [];
  private readonly done: Uint8Array;
  /** Each sequence's events, in line order, and the position of its next pending one. */
  private readonly queues = new Map<string, number[]>();
  private readonly heads = new Map<string, number>();
  private readonly seqOf: string[];
  private readonly posInQueue: Int32Array;
  /** Model operations (checks, applies, take-backs) made through the timeline. */
  work = 0;
  /** Work count at which a search stops trying candidates. */
  limit = Infinity;

  constructor(
    readonly host: OrderHost,
    readonly events: PcpuEvent[],
    /** Seconds an allocation may have come before its line. */
    readonly window: number,
    /** The same, as a last resort where nothing within the window holds (≥ window). */
    readonly reach: number,
  ) {
    this.done = new Uint8Array(events.length);
    this.posInQueue = new Int32Array(events.length);
    this.seqOf = events.map(sequenceOf);
    this.seqOf.forEach((seq, i) => {
      let q = this.queues.get(seq);
      if (q === undefined) this.queues.set(seq, (q = []));
      this.posInQueue[i] = q.length;
      q.push(i);
    });
    for (const seq of this.queues.keys()) this.heads.set(seq, 0);
  }

  /** Log length: a mark to rewind to. */
  get length(): number {
    return this.log.length;
  }

  /** Lowest log position that may still be taken back. */
  get floor(): number {
    return this.start;
  }

  /** Has the current search used up its work? */
  spent(): boolean {
    return this.work >= this.limit;
  }

  /** The sequence of event `i` (sequenceOf). */
  sequence(i: number): string {
    return this.seqOf[i]!;
  }

  isDone(i: number): boolean {
    return this.done[i] === 1;
  }

  agrees(i: number): boolean {
    this.work++;
    return this.host.agrees(i);
  }

  /** Agrees, and could be taken back again once applied. */
  holds(i: number): boolean {
    return this.agrees(i) && this.host.safe(i);
  }

  apply(i: number, reordered: boolean): Step {
    this.work++;
    const s = this.host.apply(i, reordered);
    this.log.push(s);
    this.done[i] = 1;
    return s;
  }

  /** The newest step, if it may be taken back. */
  top(): Step | undefined {
    const s = this.log.length > this.start ? this.log.at(-1)! : undefined;
    return s !== undefined && s.reversible ? s : undefined;
  }

  /** Take back the newest step (see top()), and balance work that ran after it; its event is pending again. */
  takeBackTop(): Step {
    this.work++;
    const s = this.log.pop()!;
    s.balance?.restore();
    s.balance = undefined;
    this.host.takeBack(s);
    this.pending(s.index);
    return s;
  }

  /** Take back every step above log position `mark` (never below the floor). */
  rewindTo(mark: number): void {
    while (this.log.length > Math.max(mark, this.start)) this.takeBackTop();
  }

  /** Mark event `j` pending (taken back, or never applied after being tried). */
  pending(j: number): void {
    this.done[j] = 0;
    const seq = this.seqOf[j]!;
    this.heads.set(seq, Math.min(this.heads.get(seq)!, this.posInQueue[j]!));
  }

  /** The event before `j` in its sequence, or -1. */
  previous(j: number): number {
    const k = this.posInQueue[j]!;
    return k === 0 ? -1 : this.queues.get(this.seqOf[j]!)![k - 1]!;
  }

  /** The next pending event of sequence `seq`, or -1. */
  head(seq: string): number {
    const q = this.queues.get(seq)!;
    let h = this.heads.get(seq)!;
    while (h < q.length && this.done[q[h]!] === 1) h++;
    this.heads.set(seq, h);
    return h < q.length ? q[h]! : -1;
  }

  /**
   * Balance work ran after the newest step: it is taken back with that step.
   * False if there is no such step to attach it to (then nothing before can
   * be taken back).
   */
  attachBalance(run: { restore(): void }): boolean {
    const s = this.top();
    if (s === undefined) return false;
    s.balance = run;
    return true;
  }

  /** Commit steps more than the reach older than the newest one, below log position `limit`. */
  commitOld(limit: number): void {
    const newest = this.log.at(-1);
    if (newest === undefined) return;
    const ts = this.events[newest.index]!.ts;
    while (this.start < limit && ts - this.events[this.log[this.start]!.index]!.ts > this.reach) {
      this.committed.push(this.log[this.start++]!.index);
    }
  }

  /** Commit everything (balance work ran, or a step cannot be taken back). */
  commitAll(): void {
    for (let k = this.start; k < this.log.length; k++) this.committed.push(this.log[k]!.index);
    this.log = [];
    this.start = 0;
  }

  /** Drop committed steps from the log; only when no mark into it is held. */
  compact(): void {
    if (this.start > 4096) {
      this.log = this.log.slice(this.start);
      this.start = 0;
    }
  }

  /** Event indices in the order they were applied. */
  order(): number[] {
    return [...this.committed, ...this.log.slice(this.start).map((s) => s.index)];
  }

  /** Line of the newest applied event (0 before any). */
  lastLine(): number {
    const s = this.log.at(-1);
    return s === undefined ? (this.committed.length > 0 ? this.events[this.committed.at(-1)!]!.line : 0) : this.events[s.index]!.line;
  }
}
