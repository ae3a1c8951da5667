// Replays a real percpu trace on the model, in order, and compares every
// placement with the kernel's.
//
// Chunks: the trace names chunks by base_addr, the model by address. A
// trace base is paired with a model chunk when the model creates chunks in
// the same order as the trace's percpu_create_chunk events (including those
// balance work creates), or, for chunks that existed before tracing (first
// and reserved chunk), on the first allocation the two agree to place there.
//
// Ordering: the alloc event is logged at the end of pcpu_alloc, after the
// allocator dropped its locks (and after population and zeroing); frees are
// logged under pcpu_lock. So with several CPUs an allocation can appear
// after a free (or another allocation) from another CPU that really came
// later. By default (reorder) the replayer reconstructs the allocator's
// order where a placement shows it: reorder.ts searches for the smallest
// move of one allocation to an earlier point (never past an event of its
// own CPU, never more than the window before its line) under which every
// placement it touches matches, and applies it; what no move explains is a
// divergence. With reorder off (--no-reorder) it replays as logged with the
// two local fix-ups it always had: taking back the frees other CPUs logged
// since this CPU's previous event, newest first, or letting the next
// allocation of another CPU (within a few lines) go first.
//
// Balance work runs at the CPU's next scheduling point, i.e. right after
// the event that scheduled it (what the kworker usually does within
// microseconds; on a busy machine it can run later and see other chunks
// free, so the chunks it destroys can differ from the kernel's).
//
// --resync: after the model decides (its own search, recorded as the
// decision), the area is placed where the kernel put it, so one early miss
// does not move every later allocation; decisions are scored separately.
import { PAGE_SIZE, runPendingWork, type Kernel, type RealCpu } from '@percpu-lab/machine';
import { pcpuAlloc, pcpuSearch, type ForcedPlacement } from '../alloc.js';
import { findNextBit } from '../bitmap.js';
import { chunkOfId, pcpuCreateChunk } from '../chunk.js';
import { GFP_ATOMIC, GFP_KERNEL, PCPU_MIN_ALLOC_SHIFT, PCPU_MIN_ALLOC_SIZE } from '../constants.js';
import type { PcpuCtx } from '../context.js';
import { freePercpu } from '../free.js';
import type { PcpuGeometry } from '../geometry.js';
import { PcpuChunk as C } from '../layout.js';
import type { Percpu } from '../percpu.js';
import { pcpuChunkRelocate } from '../slots.js';
import type { AllocEvent, FailEvent, PcpuEvent } from './events.js';
import type { ParsedTrace } from './parse.js';
import type { PreludeAlloc } from './prelude.js';
import { ReplayInputError } from './errors.js';
import { bootReplayMachine } from './machine.js';
import { OrderSearch, type OrderHost, type Step } from './reorder.js';
import { buildReport, type Divergence, type ReplayReport, type ReplayTally } from './report.js';
import { undoForAlloc, undoForFree, type UndoRecord } from './undo.js';
import { defaultWindow } from './window.js';

export interface ReplayOptions {
  /** Geometry with nrPossible set. */
  geometry: PcpuGeometry & { nrPossible: number };
  prelude?: PreludeAlloc[];
  resync?: boolean;
  /** Events shown on each side of the first divergence. */
  context?: number;
  /** Kernel memory of the replay machine in bytes. */
  memBytes?: number;
  /** Reconstruct the allocator's order (default true); false replays as logged (--no-reorder). */
  reorder?: boolean;
  /** Seconds an allocation may have come before its line (reorder); default from the trace, see window.ts. */
  window?: number;
}

/** How far ahead an allocation of another CPU may be let through first (reorder off). */
const SWAP_LOOKAHEAD = 4;

const NOTHING_SKIPPED = { off: 0, bits: 0 };

interface Applied extends Step {
  cpu: number;
  /** Restores kernel memory to just before the event; for frees always, for allocations with reorder on. */
  undo?: UndoRecord;
  key?: string;
  ptr?: number;
  /** What an allocation added to the tally. */
  exact?: boolean;
  decided?: boolean;
  unplaceable?: boolean;
}

export class Replayer implements OrderHost {
  readonly kernel: Kernel;
  readonly percpu: Percpu;
  private readonly p: PcpuCtx;
  private readonly cpu: (id: number) => RealCpu;
  private readonly baseToChunk = new Map<string, number>();
  private readonly chunkToBase = new Map<number, string>();
  private readonly traceCreates: string[] = [];
  private readonly modelCreates: number[] = [];
  /** Live allocations the trace can free, by "base:off". */
  private readonly live = new Map<string, number>();
  /** Live model allocations in chunks not yet paired with a trace base (prelude). */
  private readonly unpairedLive = new Map<number, number[]>();
  /** Mutations since balance work last ran, newest last. */
  private log: Applied[] = [];
  private readonly lastEventOf = new Map<number, number>();
  /** Events applied, or let through ahead of their line. */
  private done = new Uint8Array(0);
  private readonly tally: ReplayTally;
  private events: PcpuEvent[] = [];
  private tracing = false;
  private order: OrderSearch | null = null;
  /** Bumped when the model creates a chunk or pairs one with a trace base: an allocation that did cannot be taken back. */
  private structural = 0;

  constructor(private readonly opts: ReplayOptions) {
    const machine = bootReplayMachine(opts.geometry, opts.memBytes);
    this.kernel = machine.kernel;
    this.percpu = machine.percpu;
    this.cpu = machine.cpu;
    this.p = machine.percpu.ctx;
    this.p.tracer = {
      createChunk: (chunk) => {
        // Chunks made before tracing came on pair by their first allocation, like the first chunk.
        if (!this.tracing) return;
        this.tally.chunksCreatedModel++;
        this.structural++;
        this.modelCreates.push(chunk);
        this.pairCreates();
      },
      destroyChunk: (chunk) => {
        this.tally.chunksDestroyedModel++;
        const base = this.chunkToBase.get(chunk);
        if (base !== undefined) {
          this.chunkToBase.delete(chunk);
          this.baseToChunk.delete(base);
        }
        const i = this.modelCreates.indexOf(chunk);
        if (i >= 0) this.modelCreates.splice(i, 1);
      },
    };
    this.tally = {
      allocations: 0, frees: 0, fails: 0, failsMatched: 0, matched: 0, reordered: 0, unknownFrees: 0,
      modelFailures: 0, unplaceable: 0, decisionsMatched: 0, chunksCreatedTrace: 0, chunksCreatedModel: 0,
      chunksDestroyedTrace: 0, chunksDestroyedModel: 0, replayed: 0, divergences: [], sizes: new Map(),
    };
  }

  run(parsed: ParsedTrace): ReplayReport {
    this.events = parsed.events;
    this.done = new Uint8Array(this.events.length);
    const reorder = this.opts.reorder ?? true;
    const window = reorder ? (this.opts.window ?? defaultWindow(this.events).seconds) : 0;
    if (reorder) this.order = new OrderSearch(this, this.events, window, this.done);
    for (const a of this.opts.prelude ?? []) {
      const ptr = this.percpu.pcpuAlloc(this.cpu(0), a.size, a.align, a.reserved);
      if (ptr === 0) throw new ReplayInputError(`prelude line ${a.line}: the model cannot allocate size=${a.size} align=${a.align}; is the geometry right?`);
      this.addUnpaired(ptr);
    }
    this.settle(this.cpu(0));
    this.tracing = true;
    for (let i = 0; i < this.events.length; i++) {
      if (this.done[i] === 1) continue;
      this.done[i] = 1;
      this.step(i);
    }
    const o = this.order;
    return buildReport(this, parsed, this.tally, {
      ...this.opts,
      order: o === null ? undefined : { window, moves: o.moves, applied: o.order() },
    });
  }

  private step(i: number): void {
    const e = this.events[i]!;
    const cpu = this.cpu(e.cpu);
    switch (e.kind) {
      case 'alloc':
        this.alloc(i, e);
        break;
      case 'free': {
        const applied = this.free(i, e);
        if (this.order !== null) this.order.record(applied);
        else if (applied.key !== undefined) this.log.push(applied);
        break;
      }
      case 'fail':
        this.fail(e);
        this.order?.record({ index: i, reversible: false });
        break;
      case 'create':
        this.tally.chunksCreatedTrace++;
        this.tally.replayed++;
        this.traceCreates.push(e.base);
        this.pairCreates();
        this.order?.record({ index: i, reversible: false });
        break;
      case 'destroy':
        this.tally.chunksDestroyedTrace++;
        this.tally.replayed++;
        this.order?.record({ index: i, reversible: false });
        break;
    }
    this.lastEventOf.set(e.cpu, i);
    this.settle(cpu);
  }

  /** A scheduling point: run pending balance work; its effects cannot be taken back. */
  private settle(cpu: RealCpu): void {
    if (runPendingWork(cpu) > 0) {
      this.log = [];
      this.order?.barrier();
    }
  }

  private pairCreates(): void {
    while (this.traceCreates.length > 0 && this.modelCreates.length > 0) {
      this.pair(this.traceCreates.shift()!, this.modelCreates.shift()!);
    }
  }

  private pair(base: string, chunk: number): void {
    this.structural++;
    this.baseToChunk.set(base, chunk);
    this.chunkToBase.set(chunk, base);
    for (const ptr of this.unpairedLive.get(chunk) ?? []) this.live.set(`${base}:${ptr % this.p.vaSpan}`, ptr);
    this.unpairedLive.delete(chunk);
  }

  /**
   * A free in a chunk the trace has not named yet (one from before tracing,
   * e.g. the first chunk when the trace starts with a free): pair it with the
   * unpaired chunk that has a live area at that offset.
   */
  private pairByFree(base: string, off: number): void {
    for (const [chunk, ptrs] of this.unpairedLive) {
      if (ptrs.some((ptr) => ptr % this.p.vaSpan === off)) {
        this.pair(base, chunk);
        return;
      }
    }
  }

  private addUnpaired(ptr: number): void {
    const chunk = this.chunkOf(ptr);
    const base = this.chunkToBase.get(chunk);
    if (base !== undefined) {
      this.live.set(`${base}:${ptr % this.p.vaSpan}`, ptr);
      return;
    }
    let list = this.unpairedLive.get(chunk);
    if (list === undefined) this.unpairedLive.set(chunk, (list = []));
    list.push(ptr);
  }

  private chunkOf(ptr: number): number {
    return chunkOfId(this.p, Math.floor(ptr / this.p.vaSpan));
  }

  /** Would the model placing (chunk, off) agree with the kernel's (base, off)? */
  private agreesAt(chunk: number, off: number, e: AllocEvent): boolean {
    if (chunk === 0 || off !== e.off) return false;
    const mapped = this.baseToChunk.get(e.base);
    if (mapped !== undefined) return mapped === chunk;
    return !this.chunkToBase.has(chunk) && !this.traceCreates.includes(e.base);
  }

  /** Where the model would put this allocation now, without changing anything. */
  private peek(e: AllocEvent): { chunk: number; off: number } {
    const p = this.p;
    const size = Math.ceil(e.size / PCPU_MIN_ALLOC_SIZE) * PCPU_MIN_ALLOC_SIZE;
    const align = Math.max(e.align, PCPU_MIN_ALLOC_SIZE);
    const chunk = pcpuSearch(p, size, align, e.reserved, e.isAtomic, false);
    return { chunk, off: chunk === 0 ? -1 : p.foundBitOff << PCPU_MIN_ALLOC_SHIFT };
  }

  private alloc(i: number, e: AllocEvent): void {
    const first = this.peek(e);
    const agrees = this.agreesAt(first.chunk, first.off, e);
    if (this.order !== null) {
      if (!agrees && this.order.search(i)) return;
      this.order.record(this.place(i, e, false));
      return;
    }
    if (!agrees && first.chunk !== 0) {
      if (this.tryTakingBackFrees(i, e)) return;
      if (this.trySwap(i, e)) return;
    }
    this.log.push(this.place(i, e, false));
  }

  /** Event indices in the order they were applied (with reorder on; null with it off). */
  appliedOrder(): number[] | null {
    return this.order?.order() ?? null;
  }

  // OrderHost: what the order search (reorder.ts) does with events.

  agrees(index: number): boolean {
    const e = this.events[index] as AllocEvent;
    const q = this.peek(e);
    return this.agreesAt(q.chunk, q.off, e);
  }

  apply(index: number): Applied {
    const e = this.events[index]!;
    if (e.kind === 'alloc') return this.place(index, e, true);
    if (e.kind === 'free') return this.free(index, e);
    throw new Error(`the order search applies allocations and frees only (line ${e.line})`);
  }

  takeBack(step: Step): void {
    const a = step as Applied;
    const e = this.events[a.index]!;
    const t = this.tally;
    a.undo?.restore();
    if (e.kind === 'alloc') {
      this.live.delete(a.key!);
      t.allocations--;
      t.replayed--;
      const k = `${e.size}/${e.align}`;
      t.sizes.set(k, t.sizes.get(k)! - 1);
      if (a.exact) t.matched--;
      if (a.decided) t.decisionsMatched--;
      if (a.unplaceable) t.unplaceable--;
    } else if (a.key === undefined) {
      t.unknownFrees--;
    } else {
      this.live.set(a.key, a.ptr!);
      t.frees--;
      t.replayed--;
    }
  }

  /**
   * Frees that other CPUs logged since this CPU's previous event may have
   * happened after this allocation took its area. Take them back newest
   * first; if the model then agrees with the kernel, allocate and replay the
   * frees after it.
   */
  private tryTakingBackFrees(i: number, e: AllocEvent): boolean {
    const since = this.lastEventOf.get(e.cpu) ?? -1;
    let n = 0;
    while (n < this.log.length) {
      const a = this.log[this.log.length - 1 - n]!;
      if (a.undo === undefined || a.cpu === e.cpu || a.index <= since) break;
      n++;
    }
    if (n === 0) return false;
    const taken = this.log.splice(this.log.length - n, n);
    for (let k = taken.length - 1; k >= 0; k--) {
      const a = taken[k]!;
      a.undo!.restore();
      this.live.set(a.key!, a.ptr!);
      this.tally.frees--;
      this.tally.replayed--;
      const q = this.peek(e);
      if (this.agreesAt(q.chunk, q.off, e)) {
        this.tally.reordered++;
        this.log.push(this.place(i, e, true));
        for (const b of taken.slice(k)) this.redoFree(b);
        return true;
      }
    }
    for (const b of taken) this.redoFree(b);
    return false;
  }

  private redoFree(a: Applied): void {
    const e = this.events[a.index]!;
    if (e.kind === 'free') this.log.push(this.doFree(a.index, e.cpu, a.key!, a.ptr!));
  }

  /**
   * The next allocation of another CPU may have taken its area before this
   * one (both log after dropping the locks). If the model agrees with the
   * kernel on it now, let it go first.
   */
  private trySwap(i: number, e: AllocEvent): boolean {
    for (let j = i + 1; j < this.events.length && j <= i + SWAP_LOOKAHEAD; j++) {
      const f = this.events[j]!;
      if (f.cpu === e.cpu) continue;
      if (f.kind !== 'alloc' || this.done[j] === 1) return false;
      const q = this.peek(f);
      if (!this.agreesAt(q.chunk, q.off, f)) return false;
      this.done[j] = 1;
      this.tally.reordered++;
      this.log.push(this.place(j, f, true));
      this.lastEventOf.set(f.cpu, j);
      this.log.push(this.place(i, e, false));
      return true;
    }
    return false;
  }

  /** Resolve the model chunk for a trace base under --resync, creating one the kernel created. */
  private resyncChunk(e: AllocEvent): number {
    const mapped = this.baseToChunk.get(e.base);
    if (mapped !== undefined) return mapped;
    const p = this.p;
    if (this.traceCreates.includes(e.base)) {
      while (this.traceCreates.includes(e.base)) this.createForResync();
      return this.baseToChunk.get(e.base) ?? 0;
    }
    // A chunk from before tracing: the model's choice if free to pair, else the reserved or first chunk.
    const candidates = [this.peek(e).chunk, e.reserved ? p.reservedChunk : p.firstChunk, p.firstChunk];
    const chunk = candidates.find((c) => c !== 0 && !this.chunkToBase.has(c)) ?? 0;
    if (chunk !== 0) this.pair(e.base, chunk);
    return chunk;
  }

  private createForResync(): void {
    const p = this.p;
    const cpu = this.cpu(0);
    p.allocMutex.lock(cpu);
    const chunk = pcpuCreateChunk(p, cpu);
    if (chunk !== 0) {
      p.pcpuLock.lock(cpu);
      pcpuChunkRelocate(p, chunk, -1);
      p.pcpuLock.unlock(cpu);
    }
    p.allocMutex.unlock(cpu);
    if (chunk === 0) throw new ReplayInputError('the replay machine ran out of memory creating a chunk; raise its memory');
  }

  /** Is [off, off + size) of the chunk free in the model (so the kernel's placement can be taken)? */
  private areaFree(chunk: number, off: number, size: number): boolean {
    const m = this.p.mem;
    const start = off >>> PCPU_MIN_ALLOC_SHIFT;
    const end = start + Math.ceil(size / PCPU_MIN_ALLOC_SIZE);
    if (off < C.startOffset.get(m, chunk) || off + size > C.nrPages.get(m, chunk) * PAGE_SIZE - C.endOffset.get(m, chunk)) return false;
    return findNextBit(this.p.u32, C.allocMap.get(m, chunk), end, start) >= end;
  }

  /**
   * With reorder on, the record that takes the allocation back: made before
   * it runs, from where the model's search (or --resync) will claim it.
   */
  private undoAlloc(e: AllocEvent, cpu: RealCpu, forced: ForcedPlacement | null): { undo: UndoRecord; chunk: number; bitOff: number } | null {
    if (this.order === null) return null;
    const p = this.p;
    const bits = Math.ceil(e.size / PCPU_MIN_ALLOC_SIZE);
    if (forced !== null) return { undo: undoForAlloc(p, cpu, forced.chunk, forced.bitOff, bits, NOTHING_SKIPPED, !e.isAtomic), ...forced };
    const chunk = pcpuSearch(p, bits * PCPU_MIN_ALLOC_SIZE, Math.max(e.align, PCPU_MIN_ALLOC_SIZE), e.reserved, e.isAtomic, false);
    if (chunk === 0) return null;
    return { undo: undoForAlloc(p, cpu, chunk, p.foundBitOff, bits, p.largest, !e.isAtomic), chunk, bitOff: p.foundBitOff };
  }

  private place(i: number, e: AllocEvent, reordered: boolean): Applied {
    const p = this.p;
    const cpu = this.cpu(e.cpu);
    const t = this.tally;
    t.allocations++;
    t.replayed++;
    t.sizes.set(`${e.size}/${e.align}`, (t.sizes.get(`${e.size}/${e.align}`) ?? 0) + 1);
    let forced: ForcedPlacement | null = null;
    let unplaceable = false;
    if (this.opts.resync) {
      const chunk = this.resyncChunk(e);
      if (chunk !== 0 && this.areaFree(chunk, e.off, e.size)) forced = { chunk, bitOff: e.off >>> PCPU_MIN_ALLOC_SHIFT };
      else {
        t.unplaceable++;
        unplaceable = true;
      }
    }
    const structural = this.structural;
    const undo = this.undoAlloc(e, cpu, forced);
    const ptr = pcpuAlloc(p, cpu, e.size, e.align, e.reserved, e.isAtomic ? GFP_ATOMIC : GFP_KERNEL, forced);
    const decided = this.agreesAt(p.decisionChunk, p.decisionOff, e);
    const applied: Applied = { index: i, cpu: e.cpu, reversible: false };
    if (ptr === 0) {
      t.modelFailures++;
      this.diverge(i, e, 0, -1, 'model failed', reordered);
      return applied;
    }
    const chunk = this.chunkOf(ptr);
    const off = ptr % p.vaSpan;
    if (!this.baseToChunk.has(e.base) && !this.chunkToBase.has(chunk) && !this.traceCreates.includes(e.base)) {
      this.pair(e.base, chunk);
    }
    const exact = this.baseToChunk.get(e.base) === chunk && off === e.off;
    if (exact) t.matched++;
    if (decided) t.decisionsMatched++;
    const diverged = this.opts.resync ? !decided : !exact;
    if (diverged) {
      this.diverge(i, e, this.opts.resync ? p.decisionChunk : chunk, this.opts.resync ? p.decisionOff : off, 'placement', reordered);
    }
    // Frees name the kernel's area: find the model's pointer by it.
    const key = `${e.base}:${e.off}`;
    this.live.set(key, ptr);
    Object.assign(applied, { key, ptr, exact, decided, unplaceable });
    // A divergence stays; so does a chunk made or paired, and a claim elsewhere than the record expected.
    if (undo !== null && !diverged && this.structural === structural && undo.chunk === chunk && undo.bitOff === off >>> PCPU_MIN_ALLOC_SHIFT) {
      applied.undo = undo.undo;
      applied.reversible = true;
    }
    return applied;
  }

  private diverge(i: number, e: AllocEvent, chunk: number, off: number, what: string, reordered: boolean): void {
    const expected = this.baseToChunk.get(e.base);
    const d: Divergence = {
      index: i,
      line: e.line,
      cpu: e.cpu,
      size: e.size,
      align: e.align,
      expected: { base: e.base, off: e.off },
      got: { base: chunk === 0 ? null : (this.chunkToBase.get(chunk) ?? 'unpaired chunk'), off },
      cause:
        what === 'model failed' ? 'failed'
        : chunk === 0 || expected !== chunk ? 'chunk'
        : off >>> 12 !== e.off >>> 12 ? 'block'
        : 'offset',
      reordered,
    };
    this.tally.divergences.push(d);
  }

  private free(i: number, e: { base: string; off: number; cpu: number }): Applied {
    const key = `${e.base}:${e.off}`;
    const structural = this.structural;
    if (!this.live.has(key) && !this.baseToChunk.has(e.base)) this.pairByFree(e.base, e.off);
    const ptr = this.live.get(key);
    if (ptr === undefined) {
      this.tally.unknownFrees++;
      return { index: i, cpu: e.cpu, reversible: this.structural === structural };
    }
    const applied = this.doFree(i, e.cpu, key, ptr);
    applied.reversible = this.structural === structural;
    return applied;
  }

  private doFree(i: number, cpuId: number, key: string, ptr: number): Applied {
    const chunk = this.chunkOf(ptr);
    const undo = undoForFree(this.p, chunk, ptr % this.p.vaSpan);
    freePercpu(this.p, this.cpu(cpuId), ptr);
    this.live.delete(key);
    this.tally.frees++;
    this.tally.replayed++;
    return { index: i, cpu: cpuId, reversible: true, undo, key, ptr };
  }

  /**
   * The kernel failed this request. If the model finds no room either, an
   * atomic request is made for real so that its failure has the kernel's
   * side effect (balance work populating more pages); a sleeping one that
   * failed for want of memory is only counted.
   */
  private fail(e: FailEvent): void {
    this.tally.fails++;
    this.tally.replayed++;
    const size = Math.ceil(e.size / PCPU_MIN_ALLOC_SIZE) * PCPU_MIN_ALLOC_SIZE;
    const chunk = pcpuSearch(this.p, size, Math.max(e.align, PCPU_MIN_ALLOC_SIZE), e.reserved, e.isAtomic, false);
    if (chunk !== 0) return;
    this.tally.failsMatched++;
    if (e.isAtomic) pcpuAlloc(this.p, this.cpu(e.cpu), e.size, e.align, e.reserved, GFP_ATOMIC, null);
  }
}

/**
 * Replay a parsed trace with the given geometry (and prelude). With reorder
 * on (the default) the trace is also replayed as logged, for the report's
 * before-reconstruction figures.
 */
export function replayTrace(parsed: ParsedTrace, opts: ReplayOptions): ReplayReport {
  const report = new Replayer(opts).run(parsed);
  if (report.order !== undefined) {
    const asLogged = new Replayer({ ...opts, reorder: false }).run(parsed);
    report.order.before = {
      matched: asLogged.matched,
      matchRate: asLogged.matchRate,
      divergences: asLogged.divergences,
      firstDivergenceLine: asLogged.firstDivergence?.line ?? null,
      ...(asLogged.decisionMatchRate === undefined ? {} : { decisionMatchRate: asLogged.decisionMatchRate }),
    };
  }
  return report;
}
