// Undo records for the replayer: what a free_percpu, a pcpu_alloc or a run
// of balance work changes in kernel memory, copied before it runs, so that
// an event can be taken back and replayed after one the trace logged later
// but that really came first (the order reconstruction, order-search.ts).
//
// Both touch the globals, the chunk's struct, the alloc_map and bound_map
// words of the area, the md_blocks it spans (an allocation also the block
// of the largest area its search skipped: pcpu_block_update_scan), the slot
// lists (every chunk's list links and the heads: a failed fit moves other
// chunks) and the workqueue's pending word. A sleeping allocation may also
// populate pages: the record then keeps the chunk's populated bitmap, and
// on restore gives back the pages populated since (which page frames back a
// unit never affects a placement). Nothing else, as long as the allocation
// does not create a chunk: the replayer keeps no record when it did.
// Balance work populates and depopulates pages and moves chunks between
// slots: its record keeps the globals, every chunk's struct and populated
// bitmap, and the lists, and on restore puts the pages back as they were.
// When it created or destroyed a chunk, it cannot be undone.
import { PAGE_SHIFT, PAGE_SIZE, workqueuePendingIndex, type Cpu } from '@percpu-lab/machine';
import { findNextBit, findNextZeroBit, testBit } from '../bitmap.js';
import { pcpuDepopulateChunk, pcpuPopulateChunk } from '../chunk.js';
import { PCPU_BITMAP_BLOCK_BITS as BLOCK_BITS, PCPU_MIN_ALLOC_SHIFT, PCPU_MIN_ALLOC_SIZE } from '../constants.js';
import type { PcpuCtx } from '../context.js';
import { chunkMapBits } from '../hints.js';
import { BlockMd, ListHead, PcpuChunk as C, PcpuGlobals as G } from '../layout.js';
import { slotChunks } from '../slots.js';
import { ReplayInputError } from './errors.js';

export class UndoRecord {
  private readonly ranges: { addr: number; bytes: Uint8Array }[] = [];
  private pending = 0;
  /** Chunks whose population may change, with their populated bitmap now. */
  private readonly population: { cpu: Cpu; chunk: number; bitmap: Uint32Array }[] = [];

  constructor(private readonly p: PcpuCtx) {}

  /** The event may populate or depopulate pages of `chunk`: restore puts them back as they are now. */
  keepPopulation(cpu: Cpu, chunk: number): void {
    const words = (C.nrPages.get(this.p.mem, chunk) + 31) >>> 5;
    const at = C.populated.get(this.p.mem, chunk) >> 2;
    this.population.push({ cpu, chunk, bitmap: this.p.u32.slice(at, at + words) });
    this.save(at << 2, 4 * words);
  }

  save(addr: number, len: number): void {
    this.ranges.push({ addr, bytes: this.p.mem.u8.slice(addr, addr + len) });
  }

  /**
   * Bring back or give back the pages whose population changed since, then
   * put every saved byte back (latest saves last, so overlaps end as first
   * saved).
   */
  restore(): void {
    const p = this.p;
    const u8 = p.mem.u8;
    for (const r of this.population) {
      const nrPages = C.nrPages.get(p.mem, r.chunk);
      const now = C.populated.get(p.mem, r.chunk);
      for (let page = 0; page < nrPages; ) {
        const was = testBit(r.bitmap, 0, page);
        const is = testBit(p.u32, now, page);
        let end = page + 1;
        while (end < nrPages && testBit(r.bitmap, 0, end) === was && testBit(p.u32, now, end) === is) end++;
        if (was && !is && !pcpuPopulateChunk(p, r.cpu, r.chunk, page, end)) {
          throw new ReplayInputError('the replay machine ran out of memory taking an event back; raise its memory (--mem)');
        }
        if (is && !was) pcpuDepopulateChunk(p, r.cpu, r.chunk, page, end);
        page = end;
      }
    }
    for (let i = this.ranges.length - 1; i >= 0; i--) u8.set(this.ranges[i]!.bytes, this.ranges[i]!.addr);
    Atomics.store(p.mem.i32, workqueuePendingIndex(p.kernel), this.pending);
  }

  get populates(): boolean {
    return this.population.length > 0;
  }

  savePending(): void {
    this.pending = Atomics.load(this.p.mem.i32, workqueuePendingIndex(this.p.kernel));
  }
}

/** Record everything freePercpu of the area at byte `off` of `chunk` may change. */
export function undoForFree(p: PcpuCtx, chunk: number, off: number): UndoRecord {
  const bitOff = off >>> PCPU_MIN_ALLOC_SHIFT;
  const end = findNextBit(p.u32, C.boundMap.get(p.mem, chunk), chunkMapBits(p.mem, chunk), bitOff + 1);
  return undoForArea(p, chunk, bitOff, end - bitOff, null);
}

/**
 * Record everything pcpuAlloc may change when it claims `bits` bits at
 * `bitOff` of `chunk` (what pcpuSearch just found), `skipped` being the
 * largest area that search passed over (p.largest).
 */
export function undoForAlloc(
  p: PcpuCtx,
  cpu: Cpu,
  chunk: number,
  bitOff: number,
  bits: number,
  skipped: { off: number; bits: number },
  sleeping: boolean,
): UndoRecord {
  const u = undoForArea(p, chunk, bitOff, bits, skipped.bits === 0 ? null : skipped.off);
  if (!sleeping) return u;
  const pageEnd = ((bitOff + bits) * PCPU_MIN_ALLOC_SIZE + PAGE_SIZE - 1) >>> PAGE_SHIFT;
  const unpopulated = findNextZeroBit(p.u32, C.populated.get(p.mem, chunk), pageEnd, (bitOff * PCPU_MIN_ALLOC_SIZE) >>> PAGE_SHIFT);
  if (unpopulated < pageEnd) u.keepPopulation(cpu, chunk);
  return u;
}

/**
 * Record everything a run of balance work may change short of creating or
 * destroying a chunk (the caller cannot undo those): the globals, the slot
 * lists, and every chunk's struct (list links included) and population.
 */
export function undoForBalanceWork(p: PcpuCtx, cpu: Cpu): UndoRecord {
  const u = new UndoRecord(p);
  u.savePending();
  u.save(p.g, G.size);
  u.save(p.chunkLists, p.nrSlots * ListHead.size);
  for (let slot = 0; slot < p.nrSlots; slot++) {
    for (const c of slotChunks(p, slot)) {
      u.save(c, C.size);
      u.keepPopulation(cpu, c);
    }
  }
  return u;
}

function undoForArea(p: PcpuCtx, chunk: number, bitOff: number, bits: number, skippedAt: number | null): UndoRecord {
  const m = p.mem;
  const u = new UndoRecord(p);
  u.savePending();
  u.save(p.g, G.size);
  u.save(p.chunkLists, p.nrSlots * ListHead.size);
  for (let slot = 0; slot < p.nrSlots; slot++) for (const c of slotChunks(p, slot)) u.save(C.list.addr(c), ListHead.size);
  u.save(chunk, C.size);
  // The bound map's end bit (bitOff + bits) is set by an allocation.
  const w0 = bitOff >>> 5;
  const w1 = (bitOff + bits) >>> 5;
  u.save(C.allocMap.get(m, chunk) + 4 * w0, 4 * (w1 - w0 + 1));
  u.save(C.boundMap.get(m, chunk) + 4 * w0, 4 * (w1 - w0 + 1));
  const mdBlocks = C.mdBlocks.get(m, chunk);
  const s = Math.floor(bitOff / BLOCK_BITS);
  const e = Math.floor((bitOff + bits - 1) / BLOCK_BITS);
  u.save(mdBlocks + s * BlockMd.size, (e - s + 1) * BlockMd.size);
  if (skippedAt !== null) u.save(mdBlocks + Math.floor(skippedAt / BLOCK_BITS) * BlockMd.size, BlockMd.size);
  return u;
}
