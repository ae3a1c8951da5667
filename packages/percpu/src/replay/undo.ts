// Undo records for the replayer: what a free_percpu or a pcpu_alloc changes
// in kernel memory, copied before it runs, so that an event can be taken
// back and replayed after one the trace logged later but that really came
// first (the order search of reorder.ts).
//
// Both touch the globals, the chunk's struct, the alloc_map and bound_map
// words of the area, the md_blocks it spans (an allocation also the block
// of the largest area its search skipped: pcpu_block_update_scan), the slot
// lists (every chunk's list links and the heads: a failed fit moves other
// chunks) and the workqueue's pending word. A sleeping allocation may also
// populate pages: the record then keeps the chunk's populated bitmap and
// gives the new pages back when restored (which page frames back a unit
// never affects a placement). Nothing else, as long as the allocation does
// not create a chunk: the replayer keeps no record when it did. Balance
// work is never undone; the replayer drops every record when it runs.
import { PAGE_SHIFT, PAGE_SIZE, workqueuePendingIndex, type Cpu } from '@percpu-lab/machine';
import { findNextBit, findNextZeroBit } from '../bitmap.js';
import { pcpuDepopulateChunk } from '../chunk.js';
import { PCPU_BITMAP_BLOCK_BITS as BLOCK_BITS, PCPU_MIN_ALLOC_SHIFT, PCPU_MIN_ALLOC_SIZE } from '../constants.js';
import type { PcpuCtx } from '../context.js';
import { chunkMapBits } from '../hints.js';
import { BlockMd, ListHead, PcpuChunk as C, PcpuGlobals as G } from '../layout.js';
import { slotChunks } from '../slots.js';

export class UndoRecord {
  private readonly ranges: { addr: number; bytes: Uint8Array }[] = [];
  private pending = 0;
  /** Page ranges [start, end) an allocation populated: given back on restore. */
  private populated: { cpu: Cpu; chunk: number; start: number; end: number }[] = [];

  constructor(private readonly p: PcpuCtx) {}

  /** The pages [start, end) of `chunk` are unpopulated now; the event may populate them. */
  mayPopulate(cpu: Cpu, chunk: number, start: number, end: number): void {
    this.populated.push({ cpu, chunk, start, end });
  }

  save(addr: number, len: number): void {
    this.ranges.push({ addr, bytes: this.p.mem.u8.slice(addr, addr + len) });
  }

  /** Put every saved byte back (latest saves last, so overlaps end as first saved). */
  restore(): void {
    const u8 = this.p.mem.u8;
    const pt = this.p.i32;
    for (const r of this.populated) {
      // Only pages the event did populate have a frame to give back.
      const row = (C.pageTable.get(this.p.mem, r.chunk) >> 2) + r.start * this.p.nrUnits;
      if (pt[row] !== 0) pcpuDepopulateChunk(this.p, r.cpu, r.chunk, r.start, r.end);
    }
    for (let i = this.ranges.length - 1; i >= 0; i--) u8.set(this.ranges[i]!.bytes, this.ranges[i]!.addr);
    Atomics.store(this.p.mem.i32, workqueuePendingIndex(this.p.kernel), this.pending);
  }

  get populates(): boolean {
    return this.populated.length > 0;
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
  const m = p.mem;
  const populated = C.populated.get(m, chunk);
  const pageEnd = ((bitOff + bits) * PCPU_MIN_ALLOC_SIZE + PAGE_SIZE - 1) >>> PAGE_SHIFT;
  for (let rs = (bitOff * PCPU_MIN_ALLOC_SIZE) >>> PAGE_SHIFT; ; ) {
    rs = findNextZeroBit(p.u32, populated, pageEnd, rs);
    if (rs >= pageEnd) break;
    const re = findNextBit(p.u32, populated, pageEnd, rs + 1);
    u.mayPopulate(cpu, chunk, rs, re);
    rs = re + 1;
  }
  if (u.populates) u.save(populated, 4 * ((C.nrPages.get(m, chunk) + 31) >>> 5));
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
