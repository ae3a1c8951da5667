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
import { cpuTopology, topologyProblem, type Topology } from '@percpu-lab/machine';
import type { CostProfile } from '../../cost-model/index.js';
import { VirtualConfigError } from './errors.js';

export type { Topology };

const LINE_SHIFT = 6;

/** Check a topology; the message names the flag to change. */
export function checkTopology(t: Topology): void {
  const problem = topologyProblem(t);
  if (problem !== null) throw new VirtualConfigError(problem);
}

export class VirtualContext {
  /**
   * No CPU that can still run has a clock below this, so no lock request can
   * come earlier: lock timelines forget what ended before it.
   */
  horizon = 0;
  readonly topology: Topology;
  private readonly socketOf: Int32Array;
  private readonly coreOf: Int32Array;
  /** Per cache line of kernel memory: the CPU holding it + 1, or 0 when no cache has it. */
  private readonly lineHolder: Int16Array;
  /** Per cache line: its holder's streamed bytes when the holder last touched it. */
  private readonly lineStamp: Float64Array;
  /** Per CPU: bytes streamed through its caches so far. */
  private readonly streamed: Float64Array;
  /** Per CPU: its share of its core's private cache and of its socket's LLC (bytes). */
  private readonly privateShare: Float64Array;
  private readonly llcShare: Float64Array;
  private readonly llcHitNs: number;
  private readonly smtNs: number;
  private readonly sameNs: number;
  private readonly crossNs: number;
  private readonly dramLocalNs: number;
  private readonly dramRemoteNs: number;

  /** `busy`: the CPUs that run (the first ones), which share the caches. */
  constructor(readonly profile: CostProfile, memBytes: number, topology: Topology, busy = topology.machineCpus) {
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
    this.llcHitNs = profile.llcHitNs;
    this.smtNs = profile.lineTransferSmtNs;
    this.sameNs = profile.lineTransferSameSocketNs;
    this.crossNs = profile.lineTransferCrossSocketNs;
    this.dramLocalNs = profile.dramLocalNs;
    this.dramRemoteNs = profile.dramRemoteNs;
  }

  /** Cost of pulling a line that CPU `from` holds into CPU `to`'s cache (from ≠ to). */
  transferNs(from: number, to: number): number {
    if (this.coreOf[from] === this.coreOf[to]) return this.smtNs;
    return this.socketOf[from] === this.socketOf[to] ? this.sameNs : this.crossNs;
  }

  /**
   * CPU `cpu` takes the cache lines of [addr, addr + bytes), which live in
   * CPU `home`'s unit; returns what they cost beyond a cache hit.
   */
  takeLines(cpu: number, home: number, addr: number, bytes: number): number {
    let ns = 0;
    for (let l = addr >> LINE_SHIFT, last = (addr + bytes - 1) >> LINE_SHIFT; l <= last; l++) ns += this.takeLine(cpu, home, l);
    return ns;
  }

  /** CPU `cpu` takes line `l` of CPU `home`'s unit: what it costs beyond a hit, the line restamped. */
  private takeLine(cpu: number, home: number, l: number): number {
    const h = this.lineHolder[l]! - 1;
    let ns: number;
    if (h < 0) ns = this.dramNs(home, cpu);
    else {
      const d = this.streamed[h]! - this.lineStamp[l]!;
      if (d <= this.privateShare[h]!) ns = h === cpu ? 0 : this.transferNs(h, cpu);
      else if (d <= this.llcShare[h]!) ns = this.socketOf[h] === this.socketOf[cpu] ? this.llcHitNs : this.crossNs;
      else ns = this.dramNs(home, cpu);
    }
    if (ns > 0) this.streamed[cpu]! += 1 << LINE_SHIFT;
    this.lineHolder[l] = cpu + 1;
    this.lineStamp[l] = this.streamed[cpu]!;
    return ns;
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
    const h = this.lineHolder[l]! - 1;
    if (reload && h === cpu) return this.takeLine(cpu, cpu, l);
    this.lineHolder[l] = cpu + 1;
    this.lineStamp[l] = this.streamed[cpu]!;
    return 0;
  }

  /** CPU `cpu` streamed `bytes` of memory no other CPU sees through its caches (Cpu.touchPrivate). */
  stream(cpu: number, bytes: number): void {
    this.streamed[cpu]! += bytes;
  }

  /**
   * takeLines for every unit of a loop over CPUs 0..n-1, CPU u's page at
   * i32[pages + u] (Cpu.touchUnits); the sum of what the lines cost. The
   * loop of the engine's hottest path, so written out.
   */
  takeUnitLines(cpu: number, i32: Int32Array, pages: number, off: number, bytes: number, n: number): number {
    const holder = this.lineHolder;
    const stamp = this.lineStamp;
    const mine = cpu + 1;
    const fresh = this.streamed[cpu]! - this.privateShare[cpu]!;
    const span = (((off & ((1 << LINE_SHIFT) - 1)) + bytes - 1) >> LINE_SHIFT) + 1;
    let ns = 0;
    for (let u = 0; u < n; u++) {
      const first = (i32[pages + u]! + off) >> LINE_SHIFT;
      for (let l = first; l < first + span; l++) {
        // The common case inline: this CPU's own line, still in its private cache (distance read at the loop's start).
        if (holder[l] === mine && stamp[l]! >= fresh) continue;
        ns += this.takeLine(cpu, u, l);
      }
    }
    return ns;
  }

  /** A line no cache holds, in CPU `home`'s unit, read by CPU `cpu`: its node's DRAM. */
  private dramNs(home: number, cpu: number): number {
    return this.socketOf[home] === this.socketOf[cpu] ? this.dramLocalNs : this.dramRemoteNs;
  }

  get nrSockets(): number {
    return this.topology.sockets;
  }
}
