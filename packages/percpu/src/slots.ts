// Chunk slots (mm/percpu.c: __pcpu_size_to_slot, pcpu_size_to_slot,
// pcpu_chunk_slot, __pcpu_chunk_move, pcpu_chunk_move, pcpu_chunk_relocate,
// pcpu_isolate_chunk, pcpu_reintegrate_chunk) on kernel-style circular
// doubly linked lists (include/linux/list.h) in kernel memory.
//
// Chunks sit on pcpu_chunk_lists[slot] by the largest allocation they can
// still serve (their chunk_md contig hint); wholly free chunks on the free
// slot. After the active slots come the sidelined slot (depopulated chunks,
// searched last), the free slot, and the to-depopulate slot (isolated
// chunks waiting for balance work, never searched). The order inside a list
// matters: the search takes the first chunk that fits.
// Callers hold pcpu_lock.
import type { KernelMemory } from '@percpu-lab/machine';
import { PCPU_MIN_ALLOC_SIZE, PCPU_SLOT_BASE_SHIFT } from './constants.js';
import type { PcpuMem } from './context.js';
import { BMD, CHUNK, CHUNK_MD, GLOBAL, LIST, ListHead as L, PcpuChunk as C } from './layout.js';

// Field indices from layout.ts, as module constants (layout.ts says why).
const { contigHint: MD_CONTIG_HINT } = BMD;
const {
  freeBytes: CHUNK_FREE_BYTES, isolated: CHUNK_ISOLATED, nrEmptyPopPages: CHUNK_NR_EMPTY_POP_PAGES,
} = CHUNK;
const { next: LIST_NEXT, prev: LIST_PREV } = LIST;
const { nrEmptyPopPages: G_NR_EMPTY_POP_PAGES } = GLOBAL;

export function listInit(m: KernelMemory, head: number): void {
  const i32 = m.i32;
  i32[(head >> 2) + LIST_NEXT] = head;
  i32[(head >> 2) + LIST_PREV] = head;
}

export function listEmpty(m: KernelMemory, head: number): boolean {
  return m.i32[(head >> 2) + LIST_NEXT] === head;
}

function listLink(i32: Int32Array, entry: number, prev: number, next: number): void {
  i32[(next >> 2) + LIST_PREV] = entry;
  i32[(entry >> 2) + LIST_NEXT] = next;
  i32[(entry >> 2) + LIST_PREV] = prev;
  i32[(prev >> 2) + LIST_NEXT] = entry;
}

/** list_del, leaving the entry pointing at itself (list_del_init). */
export function listDel(m: KernelMemory, entry: number): void {
  const i32 = m.i32;
  const prev = i32[(entry >> 2) + LIST_PREV]!;
  const next = i32[(entry >> 2) + LIST_NEXT]!;
  i32[(prev >> 2) + LIST_NEXT] = next;
  i32[(next >> 2) + LIST_PREV] = prev;
  listInit(m, entry);
}

/** list_move: to the head of `head`'s list. */
export function listMove(m: KernelMemory, entry: number, head: number): void {
  listDel(m, entry);
  listLink(m.i32, entry, head, m.i32[(head >> 2) + LIST_NEXT]!);
}

/** list_move_tail: to the tail of `head`'s list. */
export function listMoveTail(m: KernelMemory, entry: number, head: number): void {
  listDel(m, entry);
  listLink(m.i32, entry, m.i32[(head >> 2) + LIST_PREV]!, head);
}

/** __pcpu_size_to_slot: log2 size classes, 1–31 bytes sharing slot 1. */
export function pcpuSizeToSlotRaw(size: number): number {
  const highbit = 32 - Math.clz32(size);
  return Math.max(highbit - PCPU_SLOT_BASE_SHIFT + 2, 1);
}

/** pcpu_size_to_slot: a whole unit maps to the free slot. */
export function pcpuSizeToSlot(p: PcpuMem, size: number): number {
  return size === p.unitSize ? p.freeSlot : pcpuSizeToSlotRaw(size);
}

/** pcpu_chunk_slot: the slot a chunk belongs in by its free space and contig hint. */
export function pcpuChunkSlot(p: PcpuMem, chunk: number): number {
  const i32 = p.i32;
  const contig = i32[(chunk >> 2) + CHUNK_MD + MD_CONTIG_HINT]!;
  if (i32[(chunk >> 2) + CHUNK_FREE_BYTES]! < PCPU_MIN_ALLOC_SIZE || contig === 0) return 0;
  return pcpuSizeToSlot(p, contig * PCPU_MIN_ALLOC_SIZE);
}

/** __pcpu_chunk_move: the reserved chunk is never on a slot list. */
function pcpuChunkMoveTo(p: PcpuMem, chunk: number, slot: number, moveFront: boolean): void {
  if (chunk === p.reservedChunk) return;
  if (moveFront) listMove(p.mem, C.list.addr(chunk), p.slotHead(slot));
  else listMoveTail(p.mem, C.list.addr(chunk), p.slotHead(slot));
}

/** pcpu_chunk_move: to the head of `slot`. */
export function pcpuChunkMove(p: PcpuMem, chunk: number, slot: number): void {
  pcpuChunkMoveTo(p, chunk, slot, true);
}

/**
 * pcpu_chunk_relocate: after an alloc or free changed the chunk, put it on
 * its new slot, at the head if the slot rose and at the tail otherwise.
 * Isolated chunks stay where balance work will find them.
 */
export function pcpuChunkRelocate(p: PcpuMem, chunk: number, oslot: number): void {
  const nslot = pcpuChunkSlot(p, chunk);
  if (p.i32[(chunk >> 2) + CHUNK_ISOLATED] !== 0) return;
  if (oslot !== nslot) pcpuChunkMoveTo(p, chunk, nslot, oslot < nslot);
}

/** pcpu_isolate_chunk: off the searched slots, its empty pages no longer count. */
export function pcpuIsolateChunk(p: PcpuMem, chunk: number): void {
  const i32 = p.i32;
  const c = chunk >> 2;
  if (i32[c + CHUNK_ISOLATED] === 0) {
    i32[c + CHUNK_ISOLATED] = 1;
    i32[(p.g >> 2) + G_NR_EMPTY_POP_PAGES]! -= i32[c + CHUNK_NR_EMPTY_POP_PAGES]!;
  }
  listMove(p.mem, C.list.addr(chunk), p.slotHead(p.toDepopulateSlot));
}

/** pcpu_reintegrate_chunk: back onto its slot, its empty pages counted again. */
export function pcpuReintegrateChunk(p: PcpuMem, chunk: number): void {
  const i32 = p.i32;
  const c = chunk >> 2;
  if (i32[c + CHUNK_ISOLATED] !== 0) {
    i32[c + CHUNK_ISOLATED] = 0;
    i32[(p.g >> 2) + G_NR_EMPTY_POP_PAGES]! += i32[c + CHUNK_NR_EMPTY_POP_PAGES]!;
    pcpuChunkRelocate(p, chunk, -1);
  }
}

/** Chunks on one slot list, head to tail. */
export function slotChunks(p: PcpuMem, slot: number): number[] {
  const m = p.mem;
  const head = p.slotHead(slot);
  const out: number[] = [];
  for (let pos = L.next.get(m, head); pos !== head; pos = L.next.get(m, pos)) out.push(pos - C.list.offset);
  return out;
}
