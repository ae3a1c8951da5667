// Replays a real percpu trace on the model, in order, and compares every
// placement with the kernel's.
//
// Chunks: the trace names chunks by base_addr, the model by address. A
// trace base is paired with a model chunk when the model creates chunks in
// the same order as the trace's percpu_create_chunk events (including those
// balance work creates), or, for chunks that existed before tracing (first
// and reserved chunk), on the first allocation the two agree to place there.
//
// Ordering: the alloc event is logged after the allocator dropped its locks,
// frees under pcpu_lock. So with several CPUs an allocation can appear after
// a free (or another allocation) from another CPU that really came later.
// When the model would place an allocation elsewhere than the kernel did,
// the replayer tries the orders the trace allows: taking back the frees
// other CPUs logged since this CPU's previous event, newest first, or
// letting the next allocation of another CPU go first. An order under which
// both land where the kernel put them is counted as a reorder, not a
// divergence.
//
// Balance work runs at the CPU's next scheduling point, i.e. right after
// the event that scheduled it (what the kworker does within microseconds).
//
// --resync: after the model decides (its own search, recorded as the
// decision), the area is placed where the kernel put it, so one early miss
// does not move every later allocation; decisions are scored separately.
import { PAGE_SIZE, runPendingWork, type Kernel, type RealCpu } from '@percpu-lab/machine';
import { pcpuAlloc, pcpuSearch } from '../alloc.js';
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
import { buildReport, type Divergence, type ReplayReport, type ReplayTally } from './report.js';
import { undoForFree, type UndoRecord } from './undo.js';

export interface ReplayOptions {
  /** Geometry with nrPossible set. */
  geometry: PcpuGeometry & { nrPossible: number };
  prelude?: PreludeAlloc[];
  resync?: boolean;
  /** Events shown on each side of the first divergence. */
  context?: number;
  /** Kernel memory of the replay machine in bytes. */
  memBytes?: number;
}

/** How far ahead an allocation of another CPU may be let through first. */
const SWAP_LOOKAHEAD = 4;

interface Applied {
  index: number;
  cpu: number;
  /** For frees that can be taken back. */
  undo?: UndoRecord;
  key?: string;
  ptr?: number;
}

export class Replayer {
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
  private readonly consumed = new Set<number>();
  private readonly tally: ReplayTally;
  private events: PcpuEvent[] = [];
  private tracing = false;

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
    for (const a of this.opts.prelude ?? []) {
      const ptr = this.percpu.pcpuAlloc(this.cpu(0), a.size, a.align, a.reserved);
      if (ptr === 0) throw new ReplayInputError(`prelude line ${a.line}: the model cannot allocate size=${a.size} align=${a.align}; is the geometry right?`);
      this.addUnpaired(ptr);
    }
    this.settle(this.cpu(0));
    this.tracing = true;
    for (let i = 0; i < this.events.length; i++) {
      if (this.consumed.has(i)) continue;
      this.step(i);
    }
    return buildReport(this, parsed, this.tally, this.opts);
  }

  private step(i: number): void {
    const e = this.events[i]!;
    const cpu = this.cpu(e.cpu);
    switch (e.kind) {
      case 'alloc':
        this.alloc(i, e);
        break;
      case 'free':
        this.free(i, e);
        break;
      case 'fail':
        this.fail(e);
        break;
      case 'create':
        this.tally.chunksCreatedTrace++;
        this.tally.replayed++;
        this.traceCreates.push(e.base);
        this.pairCreates();
        break;
      case 'destroy':
        this.tally.chunksDestroyedTrace++;
        this.tally.replayed++;
        break;
    }
    this.lastEventOf.set(e.cpu, i);
    this.settle(cpu);
  }

  /** A scheduling point: run pending balance work; its effects cannot be taken back. */
  private settle(cpu: RealCpu): void {
    if (runPendingWork(cpu) > 0) this.log = [];
  }

  private pairCreates(): void {
    while (this.traceCreates.length > 0 && this.modelCreates.length > 0) {
      this.pair(this.traceCreates.shift()!, this.modelCreates.shift()!);
    }
  }

  private pair(base: string, chunk: number): void {
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
  private agrees(chunk: number, off: number, e: AllocEvent): boolean {
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
    if (!this.agrees(first.chunk, first.off, e) && first.chunk !== 0) {
      if (this.tryTakingBackFrees(i, e)) return;
      if (this.trySwap(i, e)) return;
    }
    this.place(i, e, false);
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
      if (this.agrees(q.chunk, q.off, e)) {
        this.tally.reordered++;
        this.place(i, e, true);
        for (const b of taken.slice(k)) this.redoFree(b);
        return true;
      }
    }
    for (const b of taken) this.redoFree(b);
    return false;
  }

  private redoFree(a: Applied): void {
    const e = this.events[a.index]!;
    if (e.kind === 'free') this.doFree(a.index, e.cpu, a.key!, a.ptr!);
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
      if (f.kind !== 'alloc' || this.consumed.has(j)) return false;
      const q = this.peek(f);
      if (!this.agrees(q.chunk, q.off, f)) return false;
      this.consumed.add(j);
      this.tally.reordered++;
      this.place(j, f, true);
      this.lastEventOf.set(f.cpu, j);
      this.place(i, e, false);
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

  private place(i: number, e: AllocEvent, reordered: boolean): void {
    const p = this.p;
    const cpu = this.cpu(e.cpu);
    const t = this.tally;
    t.allocations++;
    t.replayed++;
    t.sizes.set(`${e.size}/${e.align}`, (t.sizes.get(`${e.size}/${e.align}`) ?? 0) + 1);
    let forced = null;
    if (this.opts.resync) {
      const chunk = this.resyncChunk(e);
      if (chunk !== 0 && this.areaFree(chunk, e.off, e.size)) forced = { chunk, bitOff: e.off >>> PCPU_MIN_ALLOC_SHIFT };
      else t.unplaceable++;
    }
    const ptr = pcpuAlloc(p, cpu, e.size, e.align, e.reserved, e.isAtomic ? GFP_ATOMIC : GFP_KERNEL, forced);
    this.log.push({ index: i, cpu: e.cpu });
    const decided = this.agrees(p.decisionChunk, p.decisionOff, e);
    if (ptr === 0) {
      t.modelFailures++;
      this.diverge(i, e, 0, -1, 'model failed', reordered);
      return;
    }
    const chunk = this.chunkOf(ptr);
    const off = ptr % p.vaSpan;
    if (!this.baseToChunk.has(e.base) && !this.chunkToBase.has(chunk) && !this.traceCreates.includes(e.base)) {
      this.pair(e.base, chunk);
    }
    const exact = this.baseToChunk.get(e.base) === chunk && off === e.off;
    if (exact) t.matched++;
    if (decided) t.decisionsMatched++;
    if (this.opts.resync ? !decided : !exact) {
      this.diverge(i, e, this.opts.resync ? p.decisionChunk : chunk, this.opts.resync ? p.decisionOff : off, 'placement', reordered);
    }
    // Frees name the kernel's area: find the model's pointer by it.
    this.live.set(`${e.base}:${e.off}`, ptr);
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

  private free(i: number, e: { base: string; off: number; cpu: number }): void {
    const key = `${e.base}:${e.off}`;
    if (!this.live.has(key) && !this.baseToChunk.has(e.base)) this.pairByFree(e.base, e.off);
    const ptr = this.live.get(key);
    if (ptr === undefined) {
      this.tally.unknownFrees++;
      return;
    }
    this.doFree(i, e.cpu, key, ptr);
  }

  private doFree(i: number, cpuId: number, key: string, ptr: number): void {
    const chunk = this.chunkOf(ptr);
    const undo = undoForFree(this.p, chunk, ptr % this.p.vaSpan);
    freePercpu(this.p, this.cpu(cpuId), ptr);
    this.live.delete(key);
    this.tally.frees++;
    this.tally.replayed++;
    this.log.push({ index: i, cpu: cpuId, undo, key, ptr });
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

/** Replay a parsed trace with the given geometry (and prelude). */
export function replayTrace(parsed: ParsedTrace, opts: ReplayOptions): ReplayReport {
  return new Replayer(opts).run(parsed);
}
