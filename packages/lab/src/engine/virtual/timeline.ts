// The virtual timeline of one lock: the intervals of virtual time during
// which it was busy, sorted and disjoint, each tagged with the CPU that held
// it last in that interval.
//
// Why intervals and not just "free at": a step runs to completion before any
// other CPU runs, so the CPU that runs a step can take a lock at virtual
// times later than the clock of a CPU that runs after it. That later CPU's
// request, at an earlier virtual time, must be able to use the gap before the
// run-ahead CPU's hold instead of queueing behind it. A request at time t is
// therefore served at the earliest free time >= t whose gap before the next
// busy interval is at least the lock's mean busy length: the length of the
// new hold is only known at unlock, so the mean stands in for it. A hold that
// turns out longer than its gap overlaps the next interval; the two are then
// merged, which keeps later requests correct but lets those two critical
// sections overlap in virtual time — the residual approximation of running
// whole steps, documented in index.ts.
//
// Intervals that ended before the horizon (the earliest clock of any CPU that
// can still run) are forgotten, keeping only who held the lock last.

const INITIAL_CAPACITY = 4;

export class LockTimeline {
  private starts = new Float64Array(INITIAL_CAPACITY);
  private ends = new Float64Array(INITIAL_CAPACITY);
  private cpus = new Int32Array(INITIAL_CAPACITY);
  private head = 0;
  private tail = 0;
  /** CPU of the latest interval already forgotten; -1 if none. */
  private forgottenCpu = -1;
  private busySum = 0;
  private busyCount = 0;
  /** Set by findFree(): the CPU that held the lock last before the time returned, or -1. */
  pred = -1;

  get length(): number {
    return this.tail - this.head;
  }

  /** Mean length of the busy intervals recorded so far (ns). */
  get meanBusyNs(): number {
    return this.busyCount === 0 ? 0 : this.busySum / this.busyCount;
  }

  /** The lock word was re-initialised (its object was freed and reused). */
  reset(): void {
    this.head = this.tail = 0;
    this.forgottenCpu = -1;
    this.busySum = this.busyCount = 0;
    this.pred = -1;
  }

  /** Forget intervals that ended at or before `horizon`. */
  prune(horizon: number): void {
    let h = this.head;
    while (h < this.tail && this.ends[h]! <= horizon) this.forgottenCpu = this.cpus[h++]!;
    if (h === this.tail) this.head = this.tail = 0;
    else this.head = h;
  }

  /**
   * Earliest time >= t at which the lock is free with a gap of at least the
   * mean busy length before the next busy interval; sets `pred`.
   */
  findFree(t: number): number {
    const need = this.meanBusyNs;
    const { starts, ends, cpus } = this;
    // Ends are increasing (intervals are disjoint): find the first one after t.
    let lo = this.head;
    let hi = this.tail;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    let pred = lo > this.head ? cpus[lo - 1]! : this.forgottenCpu;
    let g = t;
    for (let i = lo; i < this.tail; i++) {
      const s = starts[i]!;
      if (s > g && s - g >= need) break;
      g = ends[i]!;
      pred = cpus[i]!;
    }
    this.pred = pred;
    return g;
  }

  /** Record that `cpu` kept the lock busy over [s, e). */
  insert(s: number, e: number, cpu: number): void {
    this.busySum += e - s;
    this.busyCount++;
    const { starts, ends, cpus } = this;
    const last = this.tail - 1;
    // Fast paths, the common cases: the new interval comes after every other
    // one, touching the last (a queue of waiters) or not (an idle lock).
    if (last < this.head || starts[last]! <= s) {
      if (last >= this.head && ends[last]! >= s) {
        if (e >= ends[last]!) {
          ends[last] = e;
          cpus[last] = cpu;
        }
        return;
      }
      if (this.tail < starts.length) {
        starts[this.tail] = s;
        ends[this.tail] = e;
        cpus[this.tail++] = cpu;
        return;
      }
    }
    this.insertSlow(s, e, cpu);
  }

  private insertSlow(s: number, e: number, cpu: number): void {
    if (this.tail === this.starts.length) this.makeRoom();
    const { starts, ends, cpus } = this;
    let j = this.tail;
    while (j > this.head && starts[j - 1]! > s) j--;
    // Replace [lo, hi) with one interval: the new one merged with every
    // interval it touches or overlaps. The CPU with the latest end holds it last.
    let lo = j;
    let hi = j;
    let ns = s;
    let ne = e;
    let nc = cpu;
    if (lo > this.head && ends[lo - 1]! >= ns) {
      lo--;
      ns = starts[lo]!;
      if (ends[lo]! > ne) {
        ne = ends[lo]!;
        nc = cpus[lo]!;
      }
    }
    while (hi < this.tail && starts[hi]! <= ne) {
      if (ends[hi]! > ne) {
        ne = ends[hi]!;
        nc = cpus[hi]!;
      }
      hi++;
    }
    const shift = 1 - (hi - lo);
    if (shift !== 0) {
      starts.copyWithin(hi + shift, hi, this.tail);
      ends.copyWithin(hi + shift, hi, this.tail);
      cpus.copyWithin(hi + shift, hi, this.tail);
      this.tail += shift;
    }
    starts[lo] = ns;
    ends[lo] = ne;
    cpus[lo] = nc;
  }

  /** Compact to the front, or double the arrays when they are full. */
  private makeRoom(): void {
    const n = this.tail - this.head;
    if (this.head > 0) {
      this.starts.copyWithin(0, this.head, this.tail);
      this.ends.copyWithin(0, this.head, this.tail);
      this.cpus.copyWithin(0, this.head, this.tail);
    } else {
      const cap = this.starts.length * 2;
      const s = new Float64Array(cap);
      const e = new Float64Array(cap);
      const c = new Int32Array(cap);
      s.set(this.starts.subarray(0, n));
      e.set(this.ends.subarray(0, n));
      c.set(this.cpus.subarray(0, n));
      this.starts = s;
      this.ends = e;
      this.cpus = c;
    }
    this.head = 0;
    this.tail = n;
  }
}
