// Loops over CPUs priced in aggregate: who holds the cache lines of a percpu
// row, kept as runs of units rather than line by line.
//
// The kernel's loops over CPUs (pcpu_alloc's zeroing, mm_init_cid,
// percpu_counter_sum) touch the same few bytes of every unit. A chunk's
// pages of one page index, one per unit, form a *row*; the lines at one
// offset of those pages, one per unit, form a *column*; a loop touches one
// or two whole columns. Pricing it line by line (context.ts, the reference)
// costs O(CPUs) per loop, so a point costs O(CPUs² × ops). Here a column is
// a short list of *segments*: runs of consecutive units whose lines have the
// same holder and whose stamps (the holder's streamed bytes when it took the
// line) grow by a fixed step from unit to unit. A loop over CPUs writes
// exactly such runs — its misses take the lines one after another, each
// stamped 64 bytes after the previous one — so a column stays a handful of
// segments: what the last loop wrote, cut where single lines were taken
// since (a CPU's own slot, Cpu.touchOwn).
//
// Pricing a loop from segments. Every rule of the line-by-line pricing
// depends on a line only through its holder and its stamp, compared with
// thresholds (context.ts: a line is in its holder's private cache while the
// holder streamed at most its share of it since the stamp, then in the LLC,
// then in DRAM; a line this CPU holds is a hit while still in its private
// cache). Within a segment a stamp is linear in the unit, so each threshold
// cuts the segment at one unit, found by binary search on the very
// comparison the reference makes; the lines in between are counted by state
// (line-price.ts), DRAM ones by the node of their unit (units of a socket
// are a few runs of CPU ids, counted from prefix sums). Misses also advance
// the looping CPU's own streamed bytes, one line each, in the loop's order
// (unit by unit, column by column): within a piece where the set of columns
// that miss is fixed, that is linear too, so the new stamps are segments
// again, and the one rule that reads the CPU's own running count (an
// evicted line of its own: LLC or DRAM) is linear in the unit as well. A
// loop costs O(segments × log CPUs), not O(CPUs).
//
// Exactness. The counts, every line's new holder and stamp, and the CPU's
// streamed bytes equal what the line-by-line loop produces, bit for bit:
// stamps and streamed bytes are integers (multiples of 64 bytes) far below
// 2^53, and every threshold is evaluated with the reference's own
// expression. Two preconditions, checked, with the reference loop as the
// fallback: every state but a hit has a non-zero price (a zero-priced miss
// would not age the cache, which breaks the linear stamps), and a loop's row
// is a plain one (page-aligned distinct pages, one per unit, no more units
// than CPUs of the machine, lines within the page). One case the reference
// prices differently is refused too, though it cannot arise: a line of this
// CPU that failed the loop's freshness test (against the CPU's streamed
// bytes at the loop's start, which only grow) but is within its private
// share when taken.
//
// Rows come and go with population. A row is recognised by the page-table
// row the loop names and checked against it at its first loop after any
// percpu population (Cpu.cost('pagePopulate'): the pages of a depopulated
// row change only when it is populated again, and a row is looped over
// only while populated). A row found stale, or a page of it taken into
// another row, gives its lines back to the per-line arrays (context.ts),
// where single accesses find them; while a column exists, single accesses
// to its lines (Cpu.touchOwn, a lock word in a page that was a unit page
// once) go through it.
import { PAGE_SHIFT, PAGE_SIZE } from '@percpu-lab/machine';
import {
  LINE_DRAM_LOCAL, LINE_DRAM_REMOTE, LINE_HIT, LINE_LLC_LOCAL, LINE_LLC_REMOTE, LINE_OTHER_SOCKET, LINE_SAME_SOCKET, LINE_SMT, LINE_STATES,
} from '../../cost-model/index.js';

const LINE_SHIFT = 6;
const LINE_BYTES = 1 << LINE_SHIFT;
const LINES_PER_PAGE = PAGE_SIZE >> LINE_SHIFT;
/** Holder of a line no cache has. */
const NO_CACHE = -1;

/** The per-line state and the per-CPU figures the columns read and write, shared with context.ts. */
export interface CacheArrays {
  /** Per line of kernel memory: holder + 1, 0 when no cache has it (lines outside columns). */
  readonly lineHolder: Int16Array;
  /** Per line: the holder's streamed bytes when it took the line (lines outside columns). */
  readonly lineStamp: Float64Array;
  /** Per CPU: bytes streamed through its caches. */
  readonly streamed: Float64Array;
  readonly privateShare: Float64Array;
  readonly llcShare: Float64Array;
  readonly socketOf: Int32Array;
  readonly coreOf: Int32Array;
}

/**
 * One column: the line at one offset of every unit of a row, as segments
 * [start[i], start[i + 1]) (the last ends at `units`), each with one holder
 * and stamp(u) = base[i] + step[i] × (u − start[i]). Built into a second set
 * of arrays during a loop, then swapped in.
 */
class Column {
  count = 0;
  start: Int32Array;
  holder: Int32Array;
  base: Float64Array;
  step: Float64Array;
  private outCount = 0;
  private outStart: Int32Array;
  private outHolder: Int32Array;
  private outBase: Float64Array;
  private outStep: Float64Array;

  constructor(readonly units: number) {
    const cap = 8;
    this.start = new Int32Array(cap);
    this.holder = new Int32Array(cap);
    this.base = new Float64Array(cap);
    this.step = new Float64Array(cap);
    this.outStart = new Int32Array(cap);
    this.outHolder = new Int32Array(cap);
    this.outBase = new Float64Array(cap);
    this.outStep = new Float64Array(cap);
  }

  end(i: number): number {
    return i + 1 < this.count ? this.start[i + 1]! : this.units;
  }

  /** The segment holding unit u. */
  find(u: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.start[mid]! <= u) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  stampAt(i: number, u: number): number {
    return this.base[i]! + this.step[i]! * (u - this.start[i]!);
  }

  /** Start building the column a loop leaves. */
  beginOut(): void {
    this.outCount = 0;
  }

  /** Append [from, to) with one holder and stamps base + step × (u − from), merged into the last segment when it continues it. */
  push(from: number, to: number, holder: number, base: number, step: number): void {
    const n = this.outCount;
    if (n > 0 && this.outHolder[n - 1] === holder) {
      const prev = n - 1;
      if (holder === NO_CACHE) return;
      const s = continuation(this.outStart[prev]!, this.outBase[prev]!, this.outStep[prev]!, from, to, base, step);
      if (s !== null) {
        this.outStep[prev] = s;
        return;
      }
    }
    if (n === this.outStart.length) this.growOut();
    this.outStart[n] = from;
    this.outHolder[n] = holder;
    this.outBase[n] = base;
    this.outStep[n] = step;
    this.outCount = n + 1;
  }

  /** The column built since beginOut() becomes the column. */
  swapOut(): void {
    const start = this.start;
    const holder = this.holder;
    const base = this.base;
    const step = this.step;
    this.start = this.outStart;
    this.holder = this.outHolder;
    this.base = this.outBase;
    this.step = this.outStep;
    this.outStart = start;
    this.outHolder = holder;
    this.outBase = base;
    this.outStep = step;
    this.count = this.outCount;
  }

  /** Unit u's line now has `holder` and `stamp`: its segment is cut around it (and merged back where it continues a neighbour). */
  setUnit(u: number, holder: number, stamp: number): void {
    const i = this.find(u);
    const from = this.start[i]!;
    const to = this.end(i);
    if (this.holder[i] === holder && (holder === NO_CACHE || this.stampAt(i, u) === stamp)) return;
    this.beginOut();
    for (let k = 0; k < i; k++) this.push(this.start[k]!, this.end(k), this.holder[k]!, this.base[k]!, this.step[k]!);
    if (u > from) this.push(from, u, this.holder[i]!, this.base[i]!, this.step[i]!);
    this.push(u, u + 1, holder, stamp, 0);
    if (to > u + 1) this.push(u + 1, to, this.holder[i]!, this.stampAt(i, u + 1), this.step[i]!);
    for (let k = i + 1; k < this.count; k++) this.push(this.start[k]!, this.end(k), this.holder[k]!, this.base[k]!, this.step[k]!);
    this.swapOut();
  }

  private growOut(): void {
    const cap = this.outStart.length * 2;
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.outStart = grow(this.outStart, (n) => new Int32Array(n));
    this.outHolder = grow(this.outHolder, (n) => new Int32Array(n));
    this.outBase = grow(this.outBase, (n) => new Float64Array(n));
    this.outStep = grow(this.outStep, (n) => new Float64Array(n));
  }
}

/**
 * The step that makes [from, to) with (base, step) continue the segment
 * starting at `prevFrom` (ending at `from`) with (prevBase, prevStep), or
 * null. A one-unit segment takes whatever step its neighbour needs.
 */
function continuation(prevFrom: number, prevBase: number, prevStep: number, from: number, to: number, base: number, step: number): number | null {
  const prevLen = from - prevFrom;
  const s = prevLen >= 2 ? prevStep : to - from >= 2 ? step : base - prevBase;
  if (prevLen >= 2 && prevStep !== s) return null;
  if (to - from >= 2 && step !== s) return null;
  return prevBase + s * prevLen === base ? s : null;
}

/** One row: the page of every unit (page-aligned addresses) and its columns, made when a loop first touches them. */
class Row {
  readonly columns: (Column | null)[] = new Array<Column | null>(LINES_PER_PAGE).fill(null);
  /** The population epoch at which `pages` last matched the page-table row. */
  checkedAt = -1;
  constructor(
    readonly id: number,
    /** i32 index of the page-table row the loops name. */
    readonly key: number,
    readonly pages: Int32Array,
  ) {}
}

export class UnitColumns {
  /** Per page of kernel memory: the id of the row it belongs to, or -1. */
  private readonly pageRow: Int32Array;
  /** Per page: its unit in that row. */
  private readonly pageUnit: Int32Array;
  private readonly rows: (Row | null)[] = [];
  private readonly rowByKey = new Map<number, Row>();
  /** Units on each socket below u: onSocket[s × (cpus + 1) + u]. */
  private readonly onSocket: Int32Array;
  private readonly nrCpus: number;
  // Scratch of one loop (no allocation per loop).
  private readonly acc = new Float64Array(LINE_STATES);
  private readonly cols: Column[] = [];
  private cur = new Int32Array(8);
  private change = new Int32Array(8);
  private miss = new Uint8Array(8);
  /** Counts populations: a row checked against its page-table row in this epoch still matches it. */
  private epoch = 0;
  /** Set by find(): the column and unit of the line found. */
  foundColumn: Column | null = null;
  foundUnit = 0;
  foundSegment = 0;

  constructor(private readonly c: CacheArrays, memBytes: number, sockets: number) {
    this.pageRow = new Int32Array(Math.ceil(memBytes / PAGE_SIZE)).fill(-1);
    this.pageUnit = new Int32Array(this.pageRow.length);
    this.nrCpus = c.socketOf.length;
    this.onSocket = new Int32Array(sockets * (this.nrCpus + 1));
    for (let s = 0; s < sockets; s++) {
      const at = s * (this.nrCpus + 1);
      for (let u = 0; u < this.nrCpus; u++) this.onSocket[at + u + 1] = this.onSocket[at + u]! + (c.socketOf[u] === s ? 1 : 0);
    }
  }

  /**
   * Percpu pages were populated: page-table rows may name other pages now
   * (a depopulated row is looped over again only after it was populated),
   * so every row is checked against its page-table row at its next loop.
   */
  unitPagesChanged(): void {
    this.epoch++;
  }

  /**
   * Is line `l` in a column? If so foundColumn, foundUnit and
   * foundSegment locate it (its holder and stamp are read from there).
   */
  find(l: number): boolean {
    const r = this.pageRow[l >>> (PAGE_SHIFT - LINE_SHIFT)]!;
    if (r < 0) return false;
    const col = this.rows[r]!.columns[l & (LINES_PER_PAGE - 1)]!;
    if (col === null) return false;
    this.foundColumn = col;
    this.foundUnit = this.pageUnit[l >>> (PAGE_SHIFT - LINE_SHIFT)]!;
    this.foundSegment = col.find(this.foundUnit);
    return true;
  }

  /**
   * Count by state the lines of a loop by `cpu` over units 0..n-1 (CPU u's
   * page at i32[pages + u], [off, off + bytes) of it) into `counts`, moving
   * them to `cpu` as the line-by-line loop does. False when the loop cannot
   * be priced in aggregate (see the header): its lines are then back in the
   * per-line arrays, for the caller to price line by line.
   */
  takeUnitLines(cpu: number, i32: Int32Array, pages: number, off: number, bytes: number, n: number, counts: Float64Array): boolean {
    const row = this.rowFor(i32, pages, off, bytes, n);
    if (row === null) return false;
    const j0 = off >> LINE_SHIFT;
    const span = ((off + bytes - 1) >> LINE_SHIFT) - j0 + 1;
    if (span > this.cur.length) this.growScratch(span);
    const cols = this.cols;
    for (let j = 0; j < span; j++) cols[j] = row.columns[j0 + j] ?? (row.columns[j0 + j] = this.importColumn(row, j0 + j));
    if (!this.loop(cpu, span, n)) {
      this.dissolve(row);
      return false;
    }
    const acc = this.acc;
    for (let s = 0; s < LINE_STATES; s++) counts[s]! += acc[s]!;
    return true;
  }

  /**
   * The loop over the first `span` columns of this.cols (the reference
   * order: unit by unit, then column by column). Commits the new columns and
   * the CPU's streamed bytes and leaves the counts in this.acc; false
   * (nothing committed) for the case the reference prices differently.
   */
  private loop(cpu: number, span: number, n: number): boolean {
    const { cols, cur, change, miss, acc } = this;
    const streamed0 = this.c.streamed[cpu]!;
    // The reference's freshness test of a line this CPU holds, taken once at the loop's start.
    const fresh = streamed0 - this.c.privateShare[cpu]!;
    acc.fill(0);
    if (this.allFresh(cpu, span, fresh)) {
      // The common case first: every line this CPU's and still in its private cache — all hits, nothing moves.
      acc[LINE_HIT] = n * span;
      return true;
    }
    let s = streamed0;
    for (let j = 0; j < span; j++) {
      cur[j] = 0;
      cols[j]!.beginOut();
    }
    for (let x = 0; x < n; ) {
      let end = n;
      for (let j = 0; j < span; j++) {
        const e = cols[j]!.end(cur[j]!);
        if (e < end) end = e;
      }
      // Where, within [x, end), a line of this CPU stops (or starts) passing the freshness test: one unit per column at most.
      for (let j = 0; j < span; j++) {
        const col = cols[j]!;
        const i = cur[j]!;
        change[j] = col.holder[i] === cpu ? firstFreshChange(col, i, x, end, fresh) : end;
      }
      for (let px = x; px < end; ) {
        let py = end;
        let m = 0;
        for (let j = 0; j < span; j++) {
          if (change[j]! > px && change[j]! < py) py = change[j]!;
          const col = cols[j]!;
          const i = cur[j]!;
          miss[j] = col.holder[i] === cpu && col.stampAt(i, px) >= fresh ? 0 : 1;
          m += miss[j]!;
        }
        // [px, py): the same columns miss in every unit, m lines per unit, each streaming one line.
        let pre = 0;
        for (let j = 0; j < span; j++) {
          const col = cols[j]!;
          const i = cur[j]!;
          if (miss[j] === 0) {
            acc[LINE_HIT]! += py - px;
            col.push(px, py, cpu, col.stampAt(i, px), col.step[i]!);
            continue;
          }
          const h = col.holder[i]!;
          if (h === NO_CACHE) this.countDram(cpu, px, py);
          else if (h !== cpu) this.countOthers(cpu, col, i, px, py);
          else if (!this.countOwn(cpu, col, i, px, py, s + LINE_BYTES * pre, LINE_BYTES * m)) return false;
          col.push(px, py, cpu, s + LINE_BYTES * (pre + 1), LINE_BYTES * m);
          pre++;
        }
        s += LINE_BYTES * m * (py - px);
        px = py;
      }
      for (let j = 0; j < span; j++) if (cols[j]!.end(cur[j]!) === end) cur[j]!++;
      x = end;
    }
    for (let j = 0; j < span; j++) cols[j]!.swapOut();
    this.c.streamed[cpu] = s;
    return true;
  }

  /** Whether every line of the first `span` columns is this CPU's and passes the freshness test (stamps are linear: the ends decide). */
  private allFresh(cpu: number, span: number, fresh: number): boolean {
    for (let j = 0; j < span; j++) {
      const col = this.cols[j]!;
      for (let i = 0; i < col.count; i++) {
        if (col.holder[i] !== cpu || col.base[i]! < fresh || col.stampAt(i, col.end(i) - 1) < fresh) return false;
      }
    }
    return true;
  }

  /**
   * Lines of units [x, y) of segment i of `col`, held by another CPU h, taken
   * by `cpu`: where each is depends on h's streaming alone, fixed during the
   * loop, against its stamp, linear in the unit — so the units fall into at
   * most three runs: h's private cache, the LLC, DRAM.
   */
  private countOthers(cpu: number, col: Column, i: number, x: number, y: number): void {
    const { streamed, privateShare, llcShare, socketOf, coreOf } = this.c;
    const h = col.holder[i]!;
    const held = streamed[h]!;
    const p = privateShare[h]!;
    const l = llcShare[h]!;
    const base = col.base[i]!;
    const step = col.step[i]!;
    const from = col.start[i]!;
    const acc = this.acc;
    for (let a = x; a < y; ) {
      const w = where(held - (base + step * (a - from)), p, l);
      // The first unit past a whose place differs (binary search: at most one change per threshold, in order).
      let b = y;
      if (where(held - (base + step * (y - 1 - from)), p, l) !== w) {
        let lo = a + 1;
        let hi = y - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (where(held - (base + step * (mid - from)), p, l) === w) lo = mid + 1;
          else hi = mid;
        }
        b = lo;
      }
      if (w === IN_PRIVATE) acc[coreOf[h] === coreOf[cpu] ? LINE_SMT : socketOf[h] === socketOf[cpu] ? LINE_SAME_SOCKET : LINE_OTHER_SOCKET]! += b - a;
      else if (w === IN_LLC) acc[socketOf[h] === socketOf[cpu] ? LINE_LLC_LOCAL : LINE_LLC_REMOTE]! += b - a;
      else this.countDram(cpu, a, b);
      a = b;
    }
  }

  /**
   * Lines of units [x, y) of segment i of `col`, this CPU's own but past the
   * freshness test: the distance is the CPU's streamed bytes as they stand
   * when each line is taken, s0 + ds × (u − x) (ds: the piece's misses per
   * unit), so LLC or DRAM is again at most one cut. False when a line is
   * within the private share after all (the case the reference prices
   * differently; it cannot arise, see the header).
   */
  private countOwn(cpu: number, col: Column, i: number, x: number, y: number, s0: number, ds: number): boolean {
    const p = this.c.privateShare[cpu]!;
    const l = this.c.llcShare[cpu]!;
    const base = col.base[i]!;
    const step = col.step[i]!;
    const from = col.start[i]!;
    for (let a = x; a < y; ) {
      const w = where(s0 + ds * (a - x) - (base + step * (a - from)), p, l);
      if (w === IN_PRIVATE) return false;
      let b = y;
      if (where(s0 + ds * (y - 1 - x) - (base + step * (y - 1 - from)), p, l) !== w) {
        let lo = a + 1;
        let hi = y - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (where(s0 + ds * (mid - x) - (base + step * (mid - from)), p, l) === w) lo = mid + 1;
          else hi = mid;
        }
        b = lo;
      }
      if (w === IN_LLC) this.acc[LINE_LLC_LOCAL]! += b - a;
      else this.countDram(cpu, a, b);
      a = b;
    }
    return true;
  }

  /** Lines of units [x, y) read from DRAM by `cpu`: local for units on its socket. */
  private countDram(cpu: number, x: number, y: number): void {
    const at = this.c.socketOf[cpu]! * (this.nrCpus + 1);
    const local = this.onSocket[at + y]! - this.onSocket[at + x]!;
    this.acc[LINE_DRAM_LOCAL]! += local;
    this.acc[LINE_DRAM_REMOTE]! += y - x - local;
  }

  /**
   * The row for the page-table row at i32[pages], checked against it; made
   * (its pages taken from any row that held them) when it is new or stale.
   * Null when the row cannot be priced in aggregate: its lines are then in
   * the per-line arrays.
   */
  private rowFor(i32: Int32Array, pages: number, off: number, bytes: number, n: number): Row | null {
    // A loop whose bytes run past the page is left to the reference.
    const plain = off + bytes <= PAGE_SIZE;
    let row = this.rowByKey.get(pages) ?? null;
    if (row !== null && row.pages.length === n && plain) {
      if (row.checkedAt === this.epoch) return row;
      const p = row.pages;
      let u = 0;
      while (u < n && i32[pages + u] === p[u]) u++;
      if (u === n) {
        row.checkedAt = this.epoch;
        return row;
      }
    }
    if (row !== null) this.dissolve(row);
    row = null;
    if (plain && n <= this.nrCpus) {
      row = new Row(this.rows.length, pages, i32.slice(pages, pages + n));
      row.checkedAt = this.epoch;
      this.rows.push(row);
      this.rowByKey.set(pages, row);
      for (let u = 0; u < n && row !== null; u++) {
        const addr = row.pages[u]!;
        const pg = addr >>> PAGE_SHIFT;
        if ((addr & (PAGE_SIZE - 1)) !== 0 || pg >= this.pageRow.length || this.pageRow[pg] === row.id) {
          this.dissolve(row);
          row = null;
          break;
        }
        const other = this.pageRow[pg]!;
        if (other >= 0) this.dissolve(this.rows[other]!);
        this.pageRow[pg] = row.id;
        this.pageUnit[pg] = u;
      }
      if (row !== null) return row;
    }
    this.flatten(i32, pages, off, bytes, n);
    return null;
  }

  /** Every row holding a line of the loop gives its lines back to the per-line arrays, for the reference to price. */
  private flatten(i32: Int32Array, pages: number, off: number, bytes: number, n: number): void {
    for (let u = 0; u < n; u++) {
      const first = (i32[pages + u]! + off) >>> PAGE_SHIFT;
      const last = (i32[pages + u]! + off + bytes - 1) >>> PAGE_SHIFT;
      for (let pg = first; pg <= last && pg < this.pageRow.length; pg++) {
        if (this.pageRow[pg]! >= 0) this.dissolve(this.rows[this.pageRow[pg]!]!);
      }
    }
  }

  /** Column j of `row` from the per-line arrays. */
  private importColumn(row: Row, j: number): Column {
    const col = new Column(row.pages.length);
    const { lineHolder, lineStamp } = this.c;
    col.beginOut();
    for (let u = 0; u < row.pages.length; u++) {
      const l = (row.pages[u]! >>> LINE_SHIFT) + j;
      col.push(u, u + 1, lineHolder[l]! - 1, lineStamp[l]!, 0);
    }
    col.swapOut();
    return col;
  }

  /** Give a row's lines back to the per-line arrays and forget it. */
  private dissolve(row: Row): void {
    const { lineHolder, lineStamp } = this.c;
    for (let j = 0; j < LINES_PER_PAGE; j++) {
      const col = row.columns[j];
      if (!col) continue;
      for (let i = 0; i < col.count; i++) {
        for (let u = col.start[i]!, e = col.end(i); u < e; u++) {
          const l = (row.pages[u]! >>> LINE_SHIFT) + j;
          lineHolder[l] = col.holder[i]! + 1;
          if (col.holder[i] !== NO_CACHE) lineStamp[l] = col.stampAt(i, u);
        }
      }
    }
    for (let u = 0; u < row.pages.length; u++) {
      const pg = row.pages[u]! >>> PAGE_SHIFT;
      if (pg < this.pageRow.length && this.pageRow[pg] === row.id) this.pageRow[pg] = -1;
    }
    this.rows[row.id] = null;
    if (this.rowByKey.get(row.key) === row) this.rowByKey.delete(row.key);
  }

  private growScratch(span: number): void {
    this.cur = new Int32Array(span);
    this.change = new Int32Array(span);
    this.miss = new Uint8Array(span);
  }
}

const IN_PRIVATE = 0;
const IN_LLC = 1;
const IN_DRAM = 2;

/**
 * Where a line is whose holder streamed `d` bytes since taking it: the
 * reference's comparisons (context.ts), in its order.
 */
function where(d: number, privateShare: number, llcShare: number): number {
  return d <= privateShare ? IN_PRIVATE : d <= llcShare ? IN_LLC : IN_DRAM;
}

/**
 * The first u in (x, end) where the freshness test of segment i's lines
 * (stamp >= fresh, the stamp linear in u) differs from its result at x, or
 * `end`.
 */
function firstFreshChange(col: Column, i: number, x: number, end: number, fresh: number): number {
  const atX = col.stampAt(i, x) >= fresh;
  if ((col.stampAt(i, end - 1) >= fresh) === atX) return end;
  let lo = x + 1;
  let hi = end - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((col.stampAt(i, mid) >= fresh) === atX) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
