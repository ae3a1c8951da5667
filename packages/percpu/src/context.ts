// What every allocator function needs on this CPU's view of the kernel: the
// typed views of kernel memory, the globals' address, the geometry copied
// into fields (read once at attach, so hot paths never look anything up),
// the two locks and the page allocator. It holds no allocator state: that
// is all in kernel memory, shared by every CPU.
import { PageAllocator, type Kernel, type KernelMemory, type Lock } from '@percpu-lab/machine';
import { BALANCE_WORK, PCPU_ALLOC_MUTEX, PCPU_LOCK } from './constants.js';
import { ListHead, PcpuGlobals } from './layout.js';

/** Hooks the replayer uses to see chunk creation and destruction as the trace does. */
export interface PcpuTracer {
  createChunk(chunk: number): void;
  destroyChunk(chunk: number): void;
}

/** A free region found by the hint iterators (bit offset and length). */
export class Region {
  off = 0;
  bits = 0;
}

/**
 * Kernel memory and geometry: all that the bitmap, hint and slot code needs.
 * Usable during boot, before locks exist.
 */
export class PcpuMem {
  readonly mem: KernelMemory;
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  /** Address of the pcpu_globals struct. */
  readonly g: number;
  readonly unitPages: number;
  readonly unitSize: number;
  /** Units per chunk = possible CPUs. */
  readonly nrUnits: number;
  readonly nrSlots: number;
  readonly sidelinedSlot: number;
  readonly freeSlot: number;
  readonly toDepopulateSlot: number;
  /** Percpu pointer = chunk id << vaShift | offset. */
  readonly vaShift: number;
  readonly vaMask: number;
  readonly vaSpan: number;
  readonly maxChunkIds: number;
  readonly chunkLists: number;
  readonly chunkTable: number;
  readonly pageTables: number;
  readonly firstChunk: number;
  readonly reservedChunk: number;
  /** Scratch for the region iterators (never shared between CPUs). */
  readonly region = new Region();
  readonly largest = new Region();

  constructor(readonly kernel: Kernel) {
    const m = (this.mem = kernel.mem);
    this.i32 = m.i32;
    this.u32 = m.u32;
    const g = (this.g = kernel.symbol('pcpu'));
    this.unitPages = PcpuGlobals.unitPages.get(m, g);
    this.unitSize = PcpuGlobals.unitSize.get(m, g);
    this.nrUnits = PcpuGlobals.nrUnits.get(m, g);
    this.nrSlots = PcpuGlobals.nrSlots.get(m, g);
    this.sidelinedSlot = PcpuGlobals.sidelinedSlot.get(m, g);
    this.freeSlot = PcpuGlobals.freeSlot.get(m, g);
    this.toDepopulateSlot = PcpuGlobals.toDepopulateSlot.get(m, g);
    this.vaShift = PcpuGlobals.vaShift.get(m, g);
    this.vaSpan = 2 ** this.vaShift;
    this.vaMask = this.vaSpan - 1;
    this.maxChunkIds = PcpuGlobals.maxChunkIds.get(m, g);
    this.chunkLists = PcpuGlobals.chunkLists.get(m, g);
    this.chunkTable = PcpuGlobals.chunkTable.get(m, g);
    this.pageTables = PcpuGlobals.pageTables.get(m, g);
    this.firstChunk = PcpuGlobals.firstChunk.get(m, g);
    this.reservedChunk = PcpuGlobals.reservedChunk.get(m, g);
  }

  /** &pcpu_chunk_lists[slot] */
  slotHead(slot: number): number {
    return this.chunkLists + slot * ListHead.size;
  }
}

/** PcpuMem plus what running CPUs need: the locks and the page allocator. */
export class PcpuCtx extends PcpuMem {
  readonly allocMutex: Lock;
  readonly pcpuLock: Lock;
  readonly pages: PageAllocator;
  /** Work item id of pcpu_balance_work. */
  readonly balanceWork: number;
  tracer: PcpuTracer | undefined;
  /**
   * Where the last pcpuAlloc's own search would have put the area (chunk,
   * byte offset; chunk 0 when it found no room), even when the replayer
   * forced another placement.
   */
  decisionChunk = 0;
  decisionOff = -1;
  /** Bit offset pcpuSearch found in the chunk it returned. */
  foundBitOff = -1;

  constructor(kernel: Kernel) {
    super(kernel);
    this.balanceWork = kernel.symbol(`work:${BALANCE_WORK}`);
    this.allocMutex = kernel.lock(PCPU_ALLOC_MUTEX);
    this.pcpuLock = kernel.lock(PCPU_LOCK);
    this.pages = new PageAllocator(kernel);
  }
}
