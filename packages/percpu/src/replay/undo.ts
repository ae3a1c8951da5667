// Undo records for the replayer: what a free_percpu changes in kernel
// memory, copied before it runs, so that a free the trace logged before an
// allocation that really came first can be taken back and replayed after it.
//
// A free touches the globals, its chunk's struct, the alloc_map words of the
// area, the md_blocks it spans, the slot lists (every chunk's list links and
// the heads) and the workqueue's pending word; nothing else (the bound map,
// populated bitmap and page tables only change on allocation and balance
// work, and the replayer drops every undo record when balance work runs).
import { workqueuePendingIndex } from '@percpu-lab/machine';
import { findNextBit } from '../bitmap.js';
import { PCPU_BITMAP_BLOCK_BITS as BLOCK_BITS, PCPU_MIN_ALLOC_SHIFT } from '../constants.js';
import type { PcpuCtx } from '../context.js';
import { chunkMapBits } from '../hints.js';
import { BlockMd, ListHead, PcpuChunk as C, PcpuGlobals as G } from '../layout.js';
import { slotChunks } from '../slots.js';

export class UndoRecord {
  private readonly ranges: { addr: number; bytes: Uint8Array }[] = [];
  private pending = 0;

  constructor(private readonly p: PcpuCtx) {}

  save(addr: number, len: number): void {
    this.ranges.push({ addr, bytes: this.p.mem.u8.slice(addr, addr + len) });
  }

  /** Put every saved byte back (latest saves last, so overlaps end as first saved). */
  restore(): void {
    const u8 = this.p.mem.u8;
    for (let i = this.ranges.length - 1; i >= 0; i--) u8.set(this.ranges[i]!.bytes, this.ranges[i]!.addr);
    Atomics.store(this.p.mem.i32, workqueuePendingIndex(this.p.kernel), this.pending);
  }

  savePending(): void {
    this.pending = Atomics.load(this.p.mem.i32, workqueuePendingIndex(this.p.kernel));
  }
}

/** Record everything freePercpu of the area at byte `off` of `chunk` may change. */
export function undoForFree(p: PcpuCtx, chunk: number, off: number): UndoRecord {
  const m = p.mem;
  const u = new UndoRecord(p);
  u.savePending();
  u.save(p.g, G.size);
  u.save(p.chunkLists, p.nrSlots * ListHead.size);
  for (let slot = 0; slot < p.nrSlots; slot++) for (const c of slotChunks(p, slot)) u.save(C.list.addr(c), ListHead.size);
  u.save(chunk, C.size);
  const bitOff = off >>> PCPU_MIN_ALLOC_SHIFT;
  const end = findNextBit(p.u32, C.boundMap.get(m, chunk), chunkMapBits(m, chunk), bitOff + 1);
  const allocMap = C.allocMap.get(m, chunk);
  const w0 = bitOff >>> 5;
  const w1 = (end - 1) >>> 5;
  u.save(allocMap + 4 * w0, 4 * (w1 - w0 + 1));
  const s = Math.floor(bitOff / BLOCK_BITS);
  const e = Math.floor((end - 1) / BLOCK_BITS);
  u.save(C.mdBlocks.get(m, chunk) + s * BlockMd.size, (e - s + 1) * BlockMd.size);
  return u;
}
