// free_percpu (mm/percpu.c). Callable from atomic context: takes only
// pcpu_lock, never the mutex. Frees the area and asks for balance work when
// the chunk became wholly free while another free chunk exists, or when it
// should give pages back (pcpu_should_reclaim_chunk, mm/percpu-vm.c), in
// which case it is isolated onto the to-depopulate slot first.
// Left out: kmemleak, memcg uncharging, alloc tagging.
//
// A pointer this allocator did not hand out, or an area already free, is a
// bug in the caller: it raises a named error naming the pointer (the kernel
// would corrupt its maps or crash).
import { PAGE_SIZE, type Cpu } from '@percpu-lab/machine';
import { pcpuFreeArea } from './area.js';
import { takeWordsScanned, testBit } from './bitmap.js';
import { pcpuScheduleBalanceWork, pcpuShouldReclaimChunk } from './balance.js';
import { chunkOfId } from './chunk.js';
import { PCPU_MIN_ALLOC_SHIFT, PCPU_MIN_ALLOC_SIZE } from './constants.js';
import type { PcpuCtx, PcpuMem } from './context.js';
import { PcpuBadPointerError, PcpuDoubleFreeError, ptrName } from './errors.js';
import { CHUNK, LIST, PcpuChunk as C } from './layout.js';
import { pcpuIsolateChunk } from './slots.js';

// Field indices from layout.ts, as module constants (layout.ts says why).
const {
  allocMap: CHUNK_ALLOC_MAP, boundMap: CHUNK_BOUND_MAP, endOffset: CHUNK_END_OFFSET,
  freeBytes: CHUNK_FREE_BYTES, isolated: CHUNK_ISOLATED, nrPages: CHUNK_NR_PAGES,
  startOffset: CHUNK_START_OFFSET,
} = CHUNK;
const { next: LIST_NEXT } = LIST;

/**
 * pcpu_chunk_addr_search plus the checks the kernel does not make: the chunk
 * of a percpu pointer, or a PcpuBadPointerError.
 */
export function pcpuChunkOfPtr(p: PcpuMem, ptr: number): number {
  // Valid pointers are below 2^32 (maxChunkIds keeps them there), so the id
  // and offset come out with 32-bit shifts and masks.
  const chunk = ptr >>> 0 === ptr && ptr !== 0 ? chunkOfId(p, ptr >>> p.vaShift) : 0;
  if (chunk === 0) {
    throw new PcpuBadPointerError(`percpu pointer ${ptrName(ptr)} is not in any chunk of this allocator (freed twice after its chunk was destroyed, or never allocated here)`);
  }
  const i32 = p.i32;
  const c = chunk >> 2;
  const off = ptr & p.vaMask;
  const end = i32[c + CHUNK_NR_PAGES]! * PAGE_SIZE - i32[c + CHUNK_END_OFFSET]!;
  if ((off & (PCPU_MIN_ALLOC_SIZE - 1)) !== 0 || off < i32[c + CHUNK_START_OFFSET]! || off >= end) {
    throw new PcpuBadPointerError(`percpu pointer ${ptrName(ptr)} points outside the allocatable part of its chunk; pass the pointer pcpuAlloc returned`);
  }
  return chunk;
}

export function freePercpu(p: PcpuCtx, cpu: Cpu, ptr: number): void {
  if (ptr === 0) return;
  const i32 = p.i32;
  const chunk = pcpuChunkOfPtr(p, ptr);
  const c = chunk >> 2;
  const off = ptr & p.vaMask;
  const bitOff = off >>> PCPU_MIN_ALLOC_SHIFT;
  let needBalance = false;

  p.pcpuLock.lock(cpu);
  if (!testBit(p.u32, i32[c + CHUNK_ALLOC_MAP]!, bitOff)) {
    p.pcpuLock.unlock(cpu);
    throw new PcpuDoubleFreeError(`free of percpu pointer ${ptrName(ptr)}, which is already free (double free)`);
  }
  if (!testBit(p.u32, i32[c + CHUNK_BOUND_MAP]!, bitOff)) {
    p.pcpuLock.unlock(cpu);
    throw new PcpuBadPointerError(`percpu pointer ${ptrName(ptr)} points into the middle of an allocation; pass the pointer pcpuAlloc returned`);
  }
  pcpuFreeArea(p, chunk, off);

  if (i32[c + CHUNK_ISOLATED] === 0 && i32[c + CHUNK_FREE_BYTES] === p.unitSize) {
    // Another wholly free chunk exists: wake the reaper.
    const head = p.slotHead(p.freeSlot);
    for (let pos = i32[(head >> 2) + LIST_NEXT]!; pos !== head; pos = i32[(pos >> 2) + LIST_NEXT]!) {
      if (pos - C.list.offset !== chunk) {
        needBalance = true;
        break;
      }
    }
  } else if (pcpuShouldReclaimChunk(p, chunk)) {
    pcpuIsolateChunk(p, chunk);
    needBalance = true;
  }
  p.pcpuLock.unlock(cpu);

  if (needBalance) pcpuScheduleBalanceWork(p);
  cpu.cost('bitmapWord', takeWordsScanned());
  cpu.cost('freePercpuCall', 1);
}
