// What every virtual CPU and virtual lock of one run shares: the cost
// profile, the machine's topology, who holds each cache line of kernel
// memory, and the scheduling horizon (the earliest clock of any CPU that can
// still run). The engine is one thread, so this is plain JavaScript state,
// not kernel memory.
//
// Topology: the kernel's own (machine/topology.ts), x86 enumeration order,
// one node per socket; the busy CPUs of a run are the first N, as
// `taskset -c 0-(N-1)` would give.
//
// Cache lines. A line of kernel memory is in one of these states for the
// CPU that touches it: in this CPU's own cache (it touched it last); in the
// cache of another CPU, which shares this CPU's core (an SMT sibling: same
// L1/L2), its socket, or sits on the other socket (a transfer); or in no
// cache yet (a DRAM read from the node of the unit's CPU, as percpu units
// are allocated node-local). The last CPU to touch a line holds it; a read
// moves it as a write does (a migratory line: it over-prices a later read by
// the old holder, which the loops modelled here never do).
//
// Capacity eviction, by stack distance. Each CPU counts the bytes it has
// streamed through its caches: its process's own memory (Cpu.touchPrivate,
// the work phase) and every kernel line it had to bring in (a hit brings
// nothing). A line is stamped with its holder's count when the holder last
// touched it. Under LRU a line leaves a cache once that many other bytes
// went through it, so a line whose holder has streamed more than its share
// of the private cache (L2; SMT siblings that are busy split it) since the
// stamp is no longer there: it is in the socket's LLC — an LLC hit for a CPU
// of that socket, a cross-socket transfer for the other socket — or, once
// the holder streamed more than its share of the LLC (the socket's LLC
// split between its busy CPUs, which all stream alike in these workloads),
// in DRAM. This is cheap (one stamp per line, no per-cache set) and
// approximate: real caches are set-associative, not fully LRU, and prefetch.
// Lock words reuse the same stamps (lockLine); the data they protect keeps
// the lock's own tracking (the previous holder on the lock's timeline,
// virtual-lock.ts).
//
// Loops over CPUs. Where a line is gives its state (line-price.ts), and a
// loop over CPUs is priced from how many of its lines were in each state.
// Those counts come from the aggregate (unit-columns.ts), which keeps the
// lines of percpu rows as runs of units and counts a loop in O(segments ×
// log CPUs); it gives exactly the counts, holders, stamps and streamed bytes
// of the line-by-line loop below, which stays as the reference and the
// fallback. On machines of fewer than 32 CPUs a loop is cheaper to price
// line by line, so they are (the same numbers either way).
// PERCPU_LAB_EXACT_LOOPS=1 in the environment (or `exactLoops`) prices every
// loop line by line; results record it (engine.ts).
import { cpuTopology, topologyProblem, type Topology } from '@percpu-lab/machine';
import type { CostProfile } from '../../cost-model/index.js';
import { VirtualConfigError } from './errors.js';
import {
  LINE_DRAM_LOCAL, LINE_DRAM_REMOTE, LINE_HIT, LINE_LLC_LOCAL, LINE_LLC_REMOTE, LINE_OTHER_SOCKET, LINE_SAME_SOCKET, LINE_SMT, LinePrices,
} from '../../cost-model/index.js';
import { UnitColumns, type CacheArrays } from './unit-columns.js';

export type { Topology };

const LINE_SHIFT = 6;

/** The environment switch that makes every loop over CPUs priced line by line (the reference). */
export const EXACT_LOOPS_ENV = 'PERCPU_LAB_EXACT_LOOPS';

/** Whether the environment asks for line-by-line loop pricing: "1" yes, unset, "" or "0" no. */
export function exactLoopsFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env[EXACT_LOOPS_ENV];
  if (v === undefined || v === '' || v === '0') return false;
  if (v === '1') return true;
  throw new VirtualConfigError(`${EXACT_LOOPS_ENV} must be 1 (price loops over CPUs line by line) or 0, got "${v}"`);
}

/** Check a topology; the message names the flag to change. */
export function checkTopology(t: Topology): void {
  const problem = topologyProblem(t);
  if (problem !== null) throw new VirtualConfigError(problem);
}

/** Machines of this many possible CPUs and more price their loops over CPUs in aggregate. */
export const AGGREGATE_LOOPS_FROM_CPUS = 32;

export interface ContextOptions {
  /** Price every loop over CPUs line by line (the reference) instead of in aggregate. */
  exactLoops?: boolean;
  /** Possible CPUs from which loops are priced in aggregate (default AGGREGATE_LOOPS_FROM_CPUS; tests lower it). */
  aggregateFrom?: number;
}

export class VirtualContext {
  /**
   * No CPU that can still run has a clock below this, so no lock request can
   * come earlier: lock timelines forget what ended before it.
   */
  horizon = 0;
  readonly topology: Topology;
  readonly prices: LinePrices;
  /** Loops over CPUs are priced line by line. */
  readonly exactLoops: boolean;
  private readonly socketOf: Int32Array;
  private readonly coreOf: Int32Array;
  /** Per cache line of kernel memory: the CPU holding it + 1, or 0 when no cache has it (lines outside the columns). */
  private readonly lineHolder: Int16Array;
  /** Per cache line: its holder's streamed bytes when the holder last touched it. */
  private readonly lineStamp: Float64Array;
  /** Per CPU: bytes streamed through its caches so far. */
  private readonly streamed: Float64Array;
  /** Per CPU: its share of its core's private cache and of its socket's LLC (bytes). */
  private readonly privateShare: Float64Array;
  private readonly llcShare: Float64Array;
  private readonly byState: Float64Array;
  /** The lines of percpu rows that loops touched, in aggregate; null when every loop is priced line by line. */
  private readonly columns: UnitColumns | null;

  /** `busy`: the CPUs that run (the first ones), which share the caches. */
  constructor(readonly profile: CostProfile, memBytes: number, topology: Topology, busy = topology.machineCpus, opts: ContextOptions = {}) {
    checkTopology(topology);
    this.topology = { ...topology };
    const n = topology.machineCpus;
    const coresPerSocket = n / topology.sockets / topology.threadsPerCore;
    const cores = n / topology.threadsPerCore;
    ({ coreOf: this.coreOf, socketOf: this.socketOf } = cpuTopology(topology));
    this.lineHolder = new Int16Array(Math.ceil(memBytes / (1 << LINE_SHIFT)));
    this.lineStamp = new Float64Array(this.lineHolder.length);
    this.streamed = new Float64Array(n);
    const busyInCore = new Int32Array(cores);
    const busyInSocket = new Int32Array(topology.sockets);
    for (let c = 0; c < Math.min(busy, n); c++) {
      busyInCore[this.coreOf[c]!]!++;
      busyInSocket[this.socketOf[c]!]!++;
    }
    this.privateShare = new Float64Array(n);
    this.llcShare = new Float64Array(n);
    for (let c = 0; c < n; c++) {
      this.privateShare[c] = profile.privateCacheBytes / Math.max(1, busyInCore[this.coreOf[c]!]!);
      this.llcShare[c] = (profile.llcBytesPerCore * coresPerSocket) / Math.max(1, busyInSocket[this.socketOf[c]!]!);
    }
    this.prices = new LinePrices(profile);
    this.byState = this.prices.byState;
    this.exactLoops = opts.exactLoops ?? false;
    const arrays: CacheArrays = {
      lineHolder: this.lineHolder, lineStamp: this.lineStamp, streamed: this.streamed,
      privateShare: this.privateShare, llcShare: this.llcShare, socketOf: this.socketOf, coreOf: this.coreOf,
    };
    const aggregate = !this.exactLoops && this.prices.everyMissCosts && n >= (opts.aggregateFrom ?? AGGREGATE_LOOPS_FROM_CPUS);
    this.columns = aggregate ? new UnitColumns(arrays, memBytes, topology.sockets) : null;
  }

  /** Cost of pulling a line that CPU `from` holds into CPU `to`'s cache (from ≠ to). */
  transferNs(from: number, to: number): number {
    return this.byState[this.transferState(from, to)]!;
  }

  private transferState(from: number, to: number): number {
    if (this.coreOf[from] === this.coreOf[to]) return LINE_SMT;
    return this.socketOf[from] === this.socketOf[to] ? LINE_SAME_SOCKET : LINE_OTHER_SOCKET;
  }

  /**
   * CPU `cpu` takes the cache lines of [addr, addr + bytes), which live in
   * CPU `home`'s unit; returns what they cost beyond a cache hit.
   */
  takeLines(cpu: number, home: number, addr: number, bytes: number): number {
    let ns = 0;
    for (let l = addr >> LINE_SHIFT, last = (addr + bytes - 1) >> LINE_SHIFT; l <= last; l++) ns += this.byState[this.takeLine(cpu, home, l)]!;
    return ns;
  }

  /**
   * CPU `cpu` takes line `l` of CPU `home`'s unit: the state it was in
   * (line-price.ts), the line restamped, and the CPU's streamed bytes
   * advanced by the line when it was not free to take.
   */
  private takeLine(cpu: number, home: number, l: number): number {
    const cols = this.columns;
    const inColumn = cols !== null && cols.find(l);
    let h: number;
    let stamp: number;
    if (inColumn) {
      const col = cols.foundColumn!;
      h = col.holder[cols.foundSegment]!;
      stamp = col.stampAt(cols.foundSegment, cols.foundUnit);
    } else {
      h = this.lineHolder[l]! - 1;
      stamp = this.lineStamp[l]!;
    }
    const state = this.stateOf(cpu, home, h, stamp);
    if (this.byState[state]! > 0) this.streamed[cpu]! += 1 << LINE_SHIFT;
    if (inColumn) cols.foundColumn!.setUnit(cols.foundUnit, cpu, this.streamed[cpu]!);
    else {
      this.lineHolder[l] = cpu + 1;
      this.lineStamp[l] = this.streamed[cpu]!;
    }
    return state;
  }

  /** Where a line held by `h` (-1: no cache) with `stamp` is for CPU `cpu`, the line being in CPU `home`'s unit. */
  private stateOf(cpu: number, home: number, h: number, stamp: number): number {
    if (h < 0) return this.dramState(home, cpu);
    const d = this.streamed[h]! - stamp;
    if (d <= this.privateShare[h]!) return h === cpu ? LINE_HIT : this.transferState(h, cpu);
    if (d <= this.llcShare[h]!) return this.socketOf[h] === this.socketOf[cpu] ? LINE_LLC_LOCAL : LINE_LLC_REMOTE;
    return this.dramState(home, cpu);
  }

  /**
   * The lock word at `addr` is taken by `cpu`. When the CPU held it last
   * (`reload`: the lock did not bounce, whose transfer the lock prices
   * itself), returns what reloading it costs if the CPU's streaming evicted
   * it since (0 while it is still cached); a word no CPU touched yet was
   * just initialised by its taker and costs nothing.
   */
  lockLine(cpu: number, addr: number, reload: boolean): number {
    const l = addr >> LINE_SHIFT;
    const cols = this.columns;
    if (cols !== null && cols.find(l)) {
      // A word in a page that loops over CPUs knew as a unit page.
      const col = cols.foundColumn!;
      if (reload && col.holder[cols.foundSegment] === cpu) return this.byState[this.takeLine(cpu, cpu, l)]!;
      col.setUnit(cols.foundUnit, cpu, this.streamed[cpu]!);
      return 0;
    }
    const h = this.lineHolder[l]! - 1;
    if (reload && h === cpu) return this.byState[this.takeLine(cpu, cpu, l)]!;
    this.lineHolder[l] = cpu + 1;
    this.lineStamp[l] = this.streamed[cpu]!;
    return 0;
  }

  /** Percpu pages were populated: page-table rows may name other pages (unit-columns.ts). */
  unitPagesChanged(): void {
    this.columns?.unitPagesChanged();
  }

  /** CPU `cpu` streamed `bytes` of memory no other CPU sees through its caches (Cpu.touchPrivate). */
  stream(cpu: number, bytes: number): void {
    this.streamed[cpu]! += bytes;
  }

  /**
   * A loop by `cpu` over CPUs 0..n-1 that touches [off, off + bytes) of each
   * CPU u's page at i32[pages + u] (Cpu.touchUnits): adds to `counts` how
   * many of its lines were in each state (line-price.ts). In aggregate
   * (unit-columns.ts) unless exactLoops, on a small machine, or when the
   * aggregate cannot take the loop.
   */
  takeUnitLines(cpu: number, i32: Int32Array, pages: number, off: number, bytes: number, n: number, counts: Float64Array): void {
    if (this.columns !== null && this.columns.takeUnitLines(cpu, i32, pages, off, bytes, n, counts)) return;
    this.takeUnitLinesExact(cpu, i32, pages, off, bytes, n, counts);
  }

  /**
   * The reference: every line of the loop, one by one, in the loop's order.
   * A line this CPU holds that is still in its private cache (distance read
   * at the loop's start) is a hit and keeps its stamp.
   */
  private takeUnitLinesExact(cpu: number, i32: Int32Array, pages: number, off: number, bytes: number, n: number, counts: Float64Array): void {
    const holder = this.lineHolder;
    const stamp = this.lineStamp;
    const mine = cpu + 1;
    const fresh = this.streamed[cpu]! - this.privateShare[cpu]!;
    const span = (((off & ((1 << LINE_SHIFT) - 1)) + bytes - 1) >> LINE_SHIFT) + 1;
    for (let u = 0; u < n; u++) {
      const first = (i32[pages + u]! + off) >> LINE_SHIFT;
      for (let l = first; l < first + span; l++) {
        if (holder[l] === mine && stamp[l]! >= fresh) counts[LINE_HIT]!++;
        else counts[this.takeLine(cpu, u, l)]!++;
      }
    }
  }

  /** A line no cache holds, in CPU `home`'s unit, read by CPU `cpu`: its node's DRAM. */
  private dramState(home: number, cpu: number): number {
    return this.socketOf[home] === this.socketOf[cpu] ? LINE_DRAM_LOCAL : LINE_DRAM_REMOTE;
  }

  get nrSockets(): number {
    return this.topology.sockets;
  }
}
