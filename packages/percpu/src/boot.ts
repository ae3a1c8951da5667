// Boot of the percpu allocator (mm/percpu.c pcpu_setup_first_chunk, as
// pcpu_embed_first_chunk calls it): the globals, the slot lists, the
// reserved and first chunks over the boot-time percpu area, the locks and
// the balance work item. Runs on the main thread before kernel.publish().
//
// The boot area holds, for every unit, the pages the reserved and dynamic
// regions live in; the static region before them is not backed (nothing in
// the model reads kernel-image percpu variables).
import { LockKind, MAX_PAGE_ORDER, PAGE_SIZE, declareWork, defineLock, type Kernel } from '@percpu-lab/machine';
import { BALANCE_WORK, PCPU_ALLOC_MUTEX, PCPU_LOCK, PCPU_MIN_ALLOC_SIZE } from './constants.js';
import { PcpuMem } from './context.js';
import { chunkMetaLayout, firstChunkPages, orderFor, pageTableBytes, pcpuAllocFirstChunk } from './chunk.js';
import { PcpuGeometryError } from './errors.js';
import { validateGeometry, type PcpuGeometry } from './geometry.js';
import { ListHead, PcpuChunk, PcpuGlobals as G } from './layout.js';
import { listInit, pcpuChunkRelocate, pcpuSizeToSlotRaw } from './slots.js';

/** Most chunk ids a kernel can have (bounds the id tables). */
const MAX_CHUNK_IDS = 4095;

/** Percpu pointers are id << vaShift | offset and must stay below 2^32. */
function vaShiftFor(unitSize: number): number {
  let s = 0;
  while (2 ** s < unitSize) s++;
  return s;
}

interface BootPlan {
  nrUnits: number;
  unitPages: number;
  staticSize: number;
  dynSize: number;
  vaShift: number;
  maxChunkIds: number;
  /** First page of the boot area (unit offset) and its length in pages. */
  backingStart: number;
  backingPages: number;
}

function plan(kernel: Kernel, geometry: PcpuGeometry): BootPlan {
  validateGeometry(geometry);
  const nrUnits = geometry.nrPossible ?? kernel.nrCpus;
  if (nrUnits < kernel.nrCpus) {
    throw new PcpuGeometryError(
      `the percpu geometry has ${nrUnits} possible CPUs but the machine boots ${kernel.nrCpus}; every CPU needs a unit, raise nrPossible`,
    );
  }
  const unitPages = geometry.unitSize / PAGE_SIZE;
  if (orderFor(pageTableBytes(unitPages, nrUnits)) > MAX_PAGE_ORDER || orderFor(chunkMetaLayout(unitPages).bytes) > MAX_PAGE_ORDER) {
    throw new PcpuGeometryError(
      `a ${geometry.unitSize}-byte unit on ${nrUnits} CPUs needs chunk metadata larger than one page-allocator block (order ${MAX_PAGE_ORDER}); use a smaller unit size`,
    );
  }
  // The end of the static region is rounded to the allocation size and the
  // dynamic region shrinks by as much (pcpu_setup_first_chunk).
  const staticSize = Math.ceil(geometry.staticSize / PCPU_MIN_ALLOC_SIZE) * PCPU_MIN_ALLOC_SIZE;
  const dynSize = geometry.dynSize - (staticSize - geometry.staticSize);
  const vaShift = vaShiftFor(geometry.unitSize);
  const backingStart = staticSize & -PAGE_SIZE;
  const backingEnd = Math.ceil((staticSize + geometry.reservedSize + dynSize) / PAGE_SIZE) * PAGE_SIZE;
  return {
    nrUnits,
    unitPages,
    staticSize,
    dynSize,
    vaShift,
    maxChunkIds: Math.min(MAX_CHUNK_IDS, 2 ** (32 - vaShift) - 1),
    backingStart,
    backingPages: (backingEnd - backingStart) / PAGE_SIZE,
  };
}

/** Boot memory pcpuBoot takes for this geometry (add it to BootParams.memblockBytes). */
export function pcpuMemblockBytes(geometry: PcpuGeometry, nrCpus: number): number {
  const nrUnits = geometry.nrPossible ?? nrCpus;
  const staticEnd = Math.ceil(geometry.staticSize / PCPU_MIN_ALLOC_SIZE) * PCPU_MIN_ALLOC_SIZE;
  const regionPages = firstChunkPages(staticEnd, geometry.reservedSize) + firstChunkPages(staticEnd + geometry.reservedSize, geometry.dynSize);
  const chunkBytes = (pages: number) => chunkMetaLayout(pages).bytes + pageTableBytes(pages, nrUnits) + 256;
  return (
    G.size + 2 * 4 * (MAX_CHUNK_IDS + 1) + 64 * ListHead.size +
    2 * chunkBytes(regionPages) +
    nrUnits * (regionPages + 1) * PAGE_SIZE + PAGE_SIZE
  );
}

/**
 * Boot the percpu allocator: locks pcpu_alloc_mutex (Mutex) and pcpu_lock
 * (SpinLock), the slot lists, the reserved chunk (if the geometry has a
 * reserve) and the first chunk over the boot area, statistics, and the
 * balance work item. Call during boot, after bootMachine().
 */
export function pcpuBoot(kernel: Kernel, geometry: PcpuGeometry): void {
  const pl = plan(kernel, geometry);
  const m = kernel.mem;
  defineLock(kernel, PCPU_ALLOC_MUTEX, LockKind.Mutex);
  defineLock(kernel, PCPU_LOCK, LockKind.SpinLock);
  declareWork(kernel, BALANCE_WORK);

  const g = kernel.memblockAlloc(G.size);
  kernel.defineSymbol('pcpu', g);
  const unitSize = geometry.unitSize;
  const sidelinedSlot = pcpuSizeToSlotRaw(unitSize) + 1;
  const nrSlots = sidelinedSlot + 3;
  G.unitPages.set(m, g, pl.unitPages);
  G.unitSize.set(m, g, unitSize);
  G.nrUnits.set(m, g, pl.nrUnits);
  G.staticSize.set(m, g, geometry.staticSize);
  G.reservedSize.set(m, g, geometry.reservedSize);
  G.dynSize.set(m, g, geometry.dynSize);
  G.nrSlots.set(m, g, nrSlots);
  G.sidelinedSlot.set(m, g, sidelinedSlot);
  G.freeSlot.set(m, g, sidelinedSlot + 1);
  G.toDepopulateSlot.set(m, g, sidelinedSlot + 2);
  G.vaShift.set(m, g, pl.vaShift);
  G.maxChunkIds.set(m, g, pl.maxChunkIds);
  G.chunkLists.set(m, g, kernel.memblockAlloc(nrSlots * ListHead.size));
  G.chunkTable.set(m, g, kernel.memblockAlloc(4 * (pl.maxChunkIds + 1)));
  G.pageTables.set(m, g, kernel.memblockAlloc(4 * (pl.maxChunkIds + 1)));
  G.nextIdHint.set(m, g, 1);

  // Region chunks: struct and maps in one memblock block, page table in another.
  const regions: { tmpAddr: number; size: number; chunk: number; pageTable: number }[] = [];
  const addRegion = (tmpAddr: number, size: number) => {
    const pages = firstChunkPages(tmpAddr, size);
    const chunk = kernel.memblockAlloc(chunkMetaLayout(pages).bytes);
    const pageTable = kernel.memblockAlloc(pageTableBytes(pages, pl.nrUnits));
    regions.push({ tmpAddr, size, chunk, pageTable });
    return chunk;
  };
  const reserved = geometry.reservedSize > 0 ? addRegion(pl.staticSize, geometry.reservedSize) : 0;
  const first = addRegion(pl.staticSize + geometry.reservedSize, pl.dynSize);
  G.reservedChunk.set(m, g, reserved);
  G.firstChunk.set(m, g, first);
  const backing = kernel.memblockAlloc(pl.nrUnits * pl.backingPages * PAGE_SIZE, PAGE_SIZE);

  const p = new PcpuMem(kernel);
  for (let slot = 0; slot < nrSlots; slot++) listInit(m, p.slotHead(slot));
  const unitBase = (unit: number) => backing + unit * pl.backingPages * PAGE_SIZE;
  // The first chunk takes id 1 so its pointers are the smallest.
  pcpuAllocFirstChunk(p, first, 1, regions.at(-1)!.tmpAddr, pl.dynSize, regions.at(-1)!.pageTable, pl.backingStart, unitBase);
  if (reserved !== 0) {
    pcpuAllocFirstChunk(p, reserved, 2, regions[0]!.tmpAddr, geometry.reservedSize, regions[0]!.pageTable, pl.backingStart, unitBase);
  }
  G.nextIdHint.set(m, g, reserved !== 0 ? 3 : 2);

  G.nrEmptyPopPages.set(m, g, PcpuChunk.nrEmptyPopPages.get(m, first));
  pcpuChunkRelocate(p, first, -1);
  G.nrPopulated.set(m, g, Math.floor((geometry.staticSize + geometry.reservedSize + geometry.dynSize) / PAGE_SIZE));
  G.nrChunks.set(m, g, 1);
  G.nrMaxChunks.set(m, g, 1);
  G.minAllocSize.set(m, g, unitSize);
  G.asyncEnabled.set(m, g, 1);
}
