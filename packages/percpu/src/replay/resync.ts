// --resync: after the model decides where an allocation goes (its own
// search, which the placement records as the decision), the area is taken
// where the kernel put it instead, so that one early miss does not move
// every later allocation; decisions are scored separately. This file finds
// the model chunk for the kernel's placement, creating chunks the kernel
// created if the model has not, and checks that the area is free there.
import { PAGE_SIZE, type RealCpu } from '@percpu-lab/machine';
import { pcpuSearch, type ForcedPlacement } from '../alloc.js';
import { findNextBit } from '../bitmap.js';
import { pcpuCreateChunk } from '../chunk.js';
import { PCPU_MIN_ALLOC_SHIFT, PCPU_MIN_ALLOC_SIZE } from '../constants.js';
import type { PcpuCtx } from '../context.js';
import { PcpuChunk as C } from '../layout.js';
import { pcpuChunkRelocate } from '../slots.js';
import type { ChunkPairing } from './chunk-pairing.js';
import { ReplayInputError } from './errors.js';
import type { AllocEvent } from './events.js';

/** Where the kernel put `e`, as a placement the model can impose; null when that area is not free in the model. */
export function resyncPlacement(p: PcpuCtx, pairing: ChunkPairing, cpu0: RealCpu, e: AllocEvent): ForcedPlacement | null {
  const chunk = resyncChunk(p, pairing, cpu0, e);
  return chunk !== 0 && areaFree(p, chunk, e.off, e.size) ? { chunk, bitOff: e.off >>> PCPU_MIN_ALLOC_SHIFT } : null;
}

/** The model chunk for a trace base, creating one the kernel created. */
function resyncChunk(p: PcpuCtx, pairing: ChunkPairing, cpu0: RealCpu, e: AllocEvent): number {
  const mapped = pairing.chunkFor(e.base);
  if (mapped !== undefined) return mapped;
  if (pairing.awaitsCreation(e.base)) {
    while (pairing.awaitsCreation(e.base)) createChunk(p, cpu0);
    return pairing.chunkFor(e.base) ?? 0;
  }
  // A chunk from before tracing: the model's choice if free to pair, else the reserved or first chunk.
  const size = Math.ceil(e.size / PCPU_MIN_ALLOC_SIZE) * PCPU_MIN_ALLOC_SIZE;
  const choice = pcpuSearch(p, size, Math.max(e.align, PCPU_MIN_ALLOC_SIZE), e.reserved, e.isAtomic, false);
  const candidates = [choice, e.reserved ? p.reservedChunk : p.firstChunk, p.firstChunk];
  const chunk = candidates.find((c) => c !== 0 && pairing.baseOf(c) === undefined) ?? 0;
  if (chunk !== 0) pairing.pair(e.base, chunk);
  return chunk;
}

function createChunk(p: PcpuCtx, cpu: RealCpu): void {
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
function areaFree(p: PcpuCtx, chunk: number, off: number, size: number): boolean {
  const m = p.mem;
  const start = off >>> PCPU_MIN_ALLOC_SHIFT;
  const end = start + Math.ceil(size / PCPU_MIN_ALLOC_SIZE);
  if (off < C.startOffset.get(m, chunk) || off + size > C.nrPages.get(m, chunk) * PAGE_SIZE - C.endOffset.get(m, chunk)) return false;
  return findNextBit(p.u32, C.allocMap.get(m, chunk), end, start) >= end;
}
