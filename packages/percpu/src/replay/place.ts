// Applying one trace event to the model, and taking it back: an allocation
// is made by the model's own pcpu_alloc and compared with the kernel's
// placement (chunk and offset); a free frees the model's pointer for the
// kernel's area; a failed allocation is checked against the model; chunk
// creations and destructions are counted and paired. Every change to the
// tally is undone with the event.
//
// An event can be taken back when an undo record (undo.ts) covers what it
// changed: a free always (unless it paired a chunk), an allocation when the
// model claimed the area the record was made for and neither created nor
// paired a chunk. Records are made only when the caller asks (order
// reconstruction); the as-logged replay does not need them.
import type { RealCpu } from '@percpu-lab/machine';
import { pcpuAlloc, pcpuSearch, type ForcedPlacement } from '../alloc.js';
import { GFP_ATOMIC, GFP_KERNEL, PCPU_MIN_ALLOC_SHIFT, PCPU_MIN_ALLOC_SIZE } from '../constants.js';
import type { PcpuCtx } from '../context.js';
import { freePercpu } from '../free.js';
import { ChunkPairing } from './chunk-pairing.js';
import type { AllocEvent, FailEvent, PcpuEvent } from './events.js';
import type { Divergence, ReplayTally } from './report.js';
import { resyncPlacement } from './resync.js';
import { undoForAlloc, undoForFree, type UndoRecord } from './undo.js';

/** An applied event. */
export interface Step {
  index: number;
  /** False when applying it changed what cannot be taken back. */
  reversible: boolean;
  /** Balance work that ran at the scheduling point after it: undone before it. */
  balance?: { restore(): void };
}

export interface Applied extends Step {
  cpu: number;
  /** Restores kernel memory to just before the event. */
  undo?: UndoRecord;
  key?: string;
  ptr?: number;
  /** What an allocation added to the tally. */
  exact?: boolean;
  decided?: boolean;
  unplaceable?: boolean;
  diverged?: boolean;
}

const NOTHING_SKIPPED = { off: 0, bits: 0 };

export function newTally(): ReplayTally {
  return {
    allocations: 0, frees: 0, fails: 0, failsMatched: 0, matched: 0, reordered: 0, unknownFrees: 0,
    modelFailures: 0, unplaceable: 0, decisionsMatched: 0, chunksCreatedTrace: 0, chunksCreatedModel: 0,
    chunksDestroyedTrace: 0, chunksDestroyedModel: 0, replayed: 0, divergences: [], sizes: new Map(),
  };
}

export class Placer {
  constructor(
    private readonly p: PcpuCtx,
    private readonly cpu: (id: number) => RealCpu,
    private readonly pairing: ChunkPairing,
    readonly tally: ReplayTally,
    private readonly events: PcpuEvent[],
    private readonly opts: { resync: boolean; undoable: boolean },
  ) {}

  /** Where the model would put this allocation now, without changing anything. */
  peek(e: AllocEvent): { chunk: number; off: number } {
    const p = this.p;
    const chunk = pcpuSearch(p, roundedSize(e), alignOf(e), e.reserved, e.isAtomic, false);
    return { chunk, off: chunk === 0 ? -1 : p.foundBitOff << PCPU_MIN_ALLOC_SHIFT };
  }

  /** Would the model, applying allocation `e` now, land where the kernel put it? */
  agrees(e: AllocEvent): boolean {
    const q = this.peek(e);
    return this.pairing.agreesAt(q.chunk, q.off, e);
  }

  /**
   * Could event `i`, applied now, be taken back again? Not if it would
   * create or pair a chunk (or fail in the model), nor if it is a failed
   * allocation or a chunk's destruction, nor without undo records.
   */
  safe(i: number): boolean {
    const e = this.events[i]!;
    const pairing = this.pairing;
    if (e.kind === 'free') return pairing.live.has(ChunkPairing.key(e.base, e.off)) || pairing.chunkFor(e.base) !== undefined;
    if (e.kind === 'create') return this.opts.undoable && !pairing.modelCreationWaiting();
    if (e.kind !== 'alloc' || !this.opts.undoable) return false;
    const q = this.peek(e);
    if (this.opts.resync) return pairing.chunkFor(e.base) !== undefined && q.chunk !== 0;
    return q.chunk !== 0 && (pairing.chunkFor(e.base) !== undefined || pairing.baseOf(q.chunk) !== undefined || pairing.awaitsCreation(e.base));
  }

  /** Apply event `i` (no balance work: that runs at the caller's scheduling point). */
  apply(i: number, reordered = false): Applied {
    const e = this.events[i]!;
    const t = this.tally;
    switch (e.kind) {
      case 'alloc':
        return this.place(i, e, reordered);
      case 'free':
        return this.free(i, e);
      case 'fail':
        this.fail(e);
        return { index: i, cpu: e.cpu, reversible: false };
      case 'create': {
        t.chunksCreatedTrace++;
        t.replayed++;
        // Waiting for the model's chunk, it can be taken back; once paired, not.
        const structural = this.pairing.structural;
        this.pairing.traceCreated(e.base);
        return { index: i, cpu: e.cpu, reversible: this.opts.undoable && this.pairing.structural === structural };
      }
      case 'destroy':
        t.chunksDestroyedTrace++;
        t.replayed++;
        return { index: i, cpu: e.cpu, reversible: false };
    }
  }

  /** Undo `a`, the newest event still applied, with its undo record. */
  takeBack(a: Applied): void {
    const e = this.events[a.index]!;
    const t = this.tally;
    a.undo?.restore();
    if (e.kind === 'create') {
      this.pairing.untraceCreated(e.base);
      t.chunksCreatedTrace--;
      t.replayed--;
    } else if (e.kind === 'alloc') {
      this.pairing.live.delete(a.key!);
      t.allocations--;
      t.replayed--;
      const k = sizeKey(e);
      t.sizes.set(k, t.sizes.get(k)! - 1);
      if (a.exact) t.matched--;
      if (a.decided) t.decisionsMatched--;
      if (a.unplaceable) t.unplaceable--;
      if (a.diverged) t.divergences.pop();
    } else if (a.key === undefined) {
      t.unknownFrees--;
    } else {
      this.pairing.live.set(a.key, a.ptr!);
      t.frees--;
      t.replayed--;
    }
  }

  /**
   * The undo record for an allocation, made before it runs, from where the
   * model's search (or --resync) will claim it.
   */
  private undoAlloc(e: AllocEvent, cpu: RealCpu, forced: ForcedPlacement | null): { undo: UndoRecord; chunk: number; bitOff: number } | null {
    if (!this.opts.undoable) return null;
    const p = this.p;
    const bits = roundedSize(e) / PCPU_MIN_ALLOC_SIZE;
    if (forced !== null) return { undo: undoForAlloc(p, cpu, forced.chunk, forced.bitOff, bits, NOTHING_SKIPPED, !e.isAtomic), ...forced };
    const chunk = pcpuSearch(p, roundedSize(e), alignOf(e), e.reserved, e.isAtomic, false);
    if (chunk === 0) return null;
    return { undo: undoForAlloc(p, cpu, chunk, p.foundBitOff, bits, p.largest, !e.isAtomic), chunk, bitOff: p.foundBitOff };
  }

  private place(i: number, e: AllocEvent, reordered: boolean): Applied {
    const p = this.p;
    const pairing = this.pairing;
    const cpu = this.cpu(e.cpu);
    const t = this.tally;
    t.allocations++;
    t.replayed++;
    t.sizes.set(sizeKey(e), (t.sizes.get(sizeKey(e)) ?? 0) + 1);
    let forced: ForcedPlacement | null = null;
    let unplaceable = false;
    if (this.opts.resync) {
      forced = resyncPlacement(p, pairing, this.cpu(0), e);
      if (forced === null) {
        t.unplaceable++;
        unplaceable = true;
      }
    }
    const structural = pairing.structural;
    const undo = this.undoAlloc(e, cpu, forced);
    const ptr = pcpuAlloc(p, cpu, e.size, e.align, e.reserved, e.isAtomic ? GFP_ATOMIC : GFP_KERNEL, forced);
    const decided = pairing.agreesAt(p.decisionChunk, p.decisionOff, e);
    const applied: Applied = { index: i, cpu: e.cpu, reversible: false };
    if (ptr === 0) {
      t.modelFailures++;
      this.diverge(i, e, 0, -1, 'model failed', reordered);
      return applied;
    }
    const chunk = pairing.chunkOf(ptr);
    const off = ptr % p.vaSpan;
    pairing.pairOnPlacement(e.base, chunk);
    const exact = pairing.chunkFor(e.base) === chunk && off === e.off;
    if (exact) t.matched++;
    if (decided) t.decisionsMatched++;
    const diverged = this.opts.resync ? !decided : !exact;
    if (diverged) {
      this.diverge(i, e, this.opts.resync ? p.decisionChunk : chunk, this.opts.resync ? p.decisionOff : off, 'placement', reordered);
    }
    // Frees name the kernel's area: find the model's pointer by it.
    const key = ChunkPairing.key(e.base, e.off);
    pairing.live.set(key, ptr);
    Object.assign(applied, { key, ptr, exact, decided, unplaceable, diverged });
    // A chunk made or paired stays, and so does a claim elsewhere than the record expected.
    if (undo !== null && pairing.structural === structural && undo.chunk === chunk && undo.bitOff === off >>> PCPU_MIN_ALLOC_SHIFT) {
      applied.undo = undo.undo;
      applied.reversible = true;
    }
    return applied;
  }

  private diverge(i: number, e: AllocEvent, chunk: number, off: number, what: string, reordered: boolean): void {
    const expected = this.pairing.chunkFor(e.base);
    const d: Divergence = {
      index: i,
      line: e.line,
      cpu: e.cpu,
      size: e.size,
      align: e.align,
      expected: { base: e.base, off: e.off },
      got: { base: chunk === 0 ? null : (this.pairing.baseOf(chunk) ?? 'unpaired chunk'), off },
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
    const pairing = this.pairing;
    const key = ChunkPairing.key(e.base, e.off);
    const structural = pairing.structural;
    pairing.pairByFree(e.base, e.off);
    const ptr = pairing.live.get(key);
    if (ptr === undefined) {
      this.tally.unknownFrees++;
      return { index: i, cpu: e.cpu, reversible: pairing.structural === structural };
    }
    const applied = this.freeArea(i, e.cpu, key, ptr);
    applied.reversible = pairing.structural === structural;
    return applied;
  }

  /** free_percpu of the model's pointer for the trace area `key`. */
  freeArea(i: number, cpuId: number, key: string, ptr: number): Applied {
    const chunk = this.pairing.chunkOf(ptr);
    const undo = undoForFree(this.p, chunk, ptr % this.p.vaSpan);
    freePercpu(this.p, this.cpu(cpuId), ptr);
    this.pairing.live.delete(key);
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

function roundedSize(e: AllocEvent): number {
  return Math.ceil(e.size / PCPU_MIN_ALLOC_SIZE) * PCPU_MIN_ALLOC_SIZE;
}

function alignOf(e: AllocEvent): number {
  return Math.max(e.align, PCPU_MIN_ALLOC_SIZE);
}

function sizeKey(e: AllocEvent): string {
  return `${e.size}/${e.align}`;
}
