// Which model chunk is which trace chunk, and which model pointer is which
// trace area.
//
// The trace names chunks by base_addr, the model by address. A trace base
// is paired with a model chunk when the model creates chunks in the same
// order as the trace's percpu_create_chunk events (including those balance
// work creates), or, for chunks that existed before tracing (the first and
// the reserved chunk), on the first allocation the two agree to place
// there, or on the first free of an area the model holds there. Frees name
// the kernel's area (base_addr and off); `live` finds the model's pointer
// for it, wherever the model put that allocation.
import { chunkOfId } from '../chunk.js';
import type { PcpuCtx } from '../context.js';
import type { AllocEvent } from './events.js';

export class ChunkPairing {
  private readonly baseToChunk = new Map<string, number>();
  private readonly chunkToBase = new Map<number, string>();
  /** Trace chunk creations not paired yet, oldest first. */
  private readonly traceCreates: string[] = [];
  /** Model chunk creations (while tracing) not paired yet, oldest first. */
  private readonly modelCreates: number[] = [];
  /** Live allocations the trace can free: "base:off" → model pointer. */
  readonly live = new Map<string, number>();
  /** Live model allocations in chunks not paired yet (from the prelude), by chunk. */
  private readonly unpairedLive = new Map<number, number[]>();
  /**
   * Bumped whenever a pairing is made or the model creates or destroys a
   * chunk: an event (or balance work) that changed it cannot be taken back.
   */
  structural = 0;

  constructor(private readonly p: PcpuCtx) {}

  static key(base: string, off: number): string {
    return `${base}:${off}`;
  }

  /** The model chunk holding a percpu pointer. */
  chunkOf(ptr: number): number {
    return chunkOfId(this.p, Math.floor(ptr / this.p.vaSpan));
  }

  chunkFor(base: string): number | undefined {
    return this.baseToChunk.get(base);
  }

  baseOf(chunk: number): string | undefined {
    return this.chunkToBase.get(chunk);
  }

  /** Is `base` one the trace created and the model has not created yet? */
  awaitsCreation(base: string): boolean {
    return this.traceCreates.includes(base);
  }

  traceCreated(base: string): void {
    this.traceCreates.push(base);
    this.pairCreates();
  }

  /** Has the model created a chunk the trace has not (so a trace creation now would pair with it)? */
  modelCreationWaiting(): boolean {
    return this.modelCreates.length > 0;
  }

  /** Take back a trace creation that paired nothing (it is still the newest waiting). */
  untraceCreated(base: string): void {
    if (this.traceCreates.at(-1) !== base) throw new Error(`chunk ${base} is not the newest creation waiting to pair`);
    this.traceCreates.pop();
  }

  modelCreated(chunk: number): void {
    this.structural++;
    this.modelCreates.push(chunk);
    this.pairCreates();
  }

  modelDestroyed(chunk: number): void {
    this.structural++;
    const base = this.chunkToBase.get(chunk);
    if (base !== undefined) {
      this.chunkToBase.delete(chunk);
      this.baseToChunk.delete(base);
    }
    const i = this.modelCreates.indexOf(chunk);
    if (i >= 0) this.modelCreates.splice(i, 1);
  }

  private pairCreates(): void {
    while (this.traceCreates.length > 0 && this.modelCreates.length > 0) {
      this.pair(this.traceCreates.shift()!, this.modelCreates.shift()!);
    }
  }

  pair(base: string, chunk: number): void {
    this.structural++;
    this.baseToChunk.set(base, chunk);
    this.chunkToBase.set(chunk, base);
    for (const ptr of this.unpairedLive.get(chunk) ?? []) this.live.set(ChunkPairing.key(base, ptr % this.p.vaSpan), ptr);
    this.unpairedLive.delete(chunk);
  }

  /**
   * The model placed an allocation the kernel logged in `base` into `chunk`:
   * pair the two if neither is paired and the trace does not expect `base`
   * from a creation (a chunk from before tracing, seen for the first time).
   */
  pairOnPlacement(base: string, chunk: number): void {
    if (!this.baseToChunk.has(base) && !this.chunkToBase.has(chunk) && !this.awaitsCreation(base)) this.pair(base, chunk);
  }

  /**
   * A free in a chunk the trace has not named yet (one from before tracing,
   * e.g. the first chunk when the trace starts with a free): pair it with the
   * unpaired chunk that has a live area at that offset.
   */
  pairByFree(base: string, off: number): void {
    if (this.live.has(ChunkPairing.key(base, off)) || this.baseToChunk.has(base)) return;
    for (const [chunk, ptrs] of this.unpairedLive) {
      if (ptrs.some((ptr) => ptr % this.p.vaSpan === off)) {
        this.pair(base, chunk);
        return;
      }
    }
  }

  /** An allocation made before tracing (the prelude): freeable once its chunk is paired. */
  addUntraced(ptr: number): void {
    const chunk = this.chunkOf(ptr);
    const base = this.chunkToBase.get(chunk);
    if (base !== undefined) {
      this.live.set(ChunkPairing.key(base, ptr % this.p.vaSpan), ptr);
      return;
    }
    let list = this.unpairedLive.get(chunk);
    if (list === undefined) this.unpairedLive.set(chunk, (list = []));
    list.push(ptr);
  }

  /** Would the model placing at (chunk, off) agree with the kernel's (base, off)? */
  agreesAt(chunk: number, off: number, e: AllocEvent): boolean {
    if (chunk === 0 || off !== e.off) return false;
    const mapped = this.baseToChunk.get(e.base);
    if (mapped !== undefined) return mapped === chunk;
    return !this.chunkToBase.has(chunk) && !this.awaitsCreation(e.base);
  }
}
