// The percpu view of a point, at the end of the run: how many chunks exist,
// how much percpu memory is populated (what /proc/meminfo reports as
// "Percpu:": populated pages × page size × possible CPUs), how much of it is
// parked in caches (slab-dtor objects, the pcpu-cache) rather than used by
// live objects, the live allocation count, and the allocation-size
// histogram of the whole run (mm/percpu-stats.c's counters).
import { PAGE_SIZE } from '@percpu-lab/machine';
import type { PcpuStats } from '@percpu-lab/percpu';

export interface PercpuView {
  chunks: number;
  maxChunks: number;
  /** Populated pages per unit, all chunks. */
  populatedPages: number;
  /** /proc/meminfo "Percpu:": populated pages × PAGE_SIZE × possible CPUs. */
  bytesInUse: number;
  /** Percpu bytes (all CPUs) held by caches for objects not in use. */
  bytesParked: number;
  /** Live allocations at the end, and the most there ever were. */
  liveAllocations: number;
  maxLiveAllocations: number;
  allocations: number;
  frees: number;
  /** Failed requests (no space or memory) and illegal-request WARNs. */
  failed: number;
  warnings: number;
  emptyPopPages: number;
  /** Allocations over the run by size class: sizes ≤ le bytes (above the previous class). */
  sizeHistogram: { le: number; count: number }[];
}

export function percpuView(s: PcpuStats, nrPossible: number, parked: number): PercpuView {
  return {
    chunks: s.nrChunks,
    maxChunks: s.nrMaxChunks,
    populatedPages: s.nrPopulated,
    bytesInUse: s.nrPopulated * PAGE_SIZE * nrPossible,
    bytesParked: parked,
    liveAllocations: s.nrCurAlloc,
    maxLiveAllocations: s.nrMaxAlloc,
    allocations: s.nrAlloc,
    frees: s.nrDealloc,
    failed: s.failed,
    warnings: s.warnings,
    emptyPopPages: s.emptyPopPages,
    sizeHistogram: s.sizeHistogram.filter((b) => b.count > 0),
  };
}
