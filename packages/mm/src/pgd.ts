// The top-level page table of an mm (kernel/fork.c mm_alloc_pgd /
// mm_free_pgd, arch/x86/mm/pgtable.c pgd_alloc / pgd_free).
//
// Kept: a zeroed page from the page allocator per mm; the kernel half copied
// from swapper_pg_dir (pgd_ctor's clone_pgd_range); on x86 the pgd goes on
// the global pgd_list under pgd_lock so kernel mappings can be synced into
// every pgd, and comes off it under pgd_lock again at free. The generic
// architecture has no such list and takes no lock.
// Left out: PTI's order-1 pgd, preallocated PMDs (PAE), paravirt hooks. The
// list link lives in mm_struct instead of the pgd page's struct page, which
// belongs to the machine's page allocator.
//
// Locks: pgd_lock (spinlock) protects pgd_list.
import { CACHE_LINE, defineLock, LockKind, PAGE_SIZE, PageAllocator, type Cpu, type Kernel, type KernelMemory, type Lock } from '@percpu-lab/machine';
import { initListHead, ListHead, listAdd, listDel } from './list.js';
import { MmStruct } from './mm-struct.js';

export type Arch = 'x86' | 'generic';

export const PGD_LOCK = 'pgd_lock';
/** Bytes of a pgd holding kernel entries: the upper half (KERNEL_PGD_PTRS × 8). */
const KERNEL_PGD_BYTES = PAGE_SIZE / 2;

/** Boot: swapper_pg_dir, pgd_list and pgd_lock (once per kernel). */
export function pgdBoot(kernel: Kernel): void {
  if (kernel.hasSymbol('pgd_list')) return;
  const m = kernel.mem;
  defineLock(kernel, PGD_LOCK, LockKind.SpinLock);
  const head = kernel.memblockAlloc(ListHead.size, CACHE_LINE);
  initListHead(m, head);
  kernel.defineSymbol('pgd_list', head);
  const swapper = kernel.memblockAlloc(PAGE_SIZE, PAGE_SIZE);
  // Kernel half: present entries pointing at (model) kernel page tables.
  for (let i = PAGE_SIZE - KERNEL_PGD_BYTES; i < PAGE_SIZE; i += 8) m.i32[(swapper + i) >> 2] = (swapper + i) | 0x63;
  kernel.defineSymbol('swapper_pg_dir', swapper);
}

export class Pgds {
  private readonly m: KernelMemory;
  private readonly pages: PageAllocator;
  private readonly lock: Lock | undefined;
  private readonly listHead: number;
  private readonly swapper: number;

  constructor(kernel: Kernel, readonly arch: Arch) {
    this.m = kernel.mem;
    this.pages = new PageAllocator(kernel);
    this.lock = arch === 'x86' ? kernel.lock(PGD_LOCK) : undefined;
    this.listHead = kernel.symbol('pgd_list');
    this.swapper = kernel.symbol('swapper_pg_dir');
  }

  /** mm_alloc_pgd(); false when no page is left. */
  mmAllocPgd(cpu: Cpu, mm: number): boolean {
    const pgd = this.pages.allocPages(cpu, 0, true);
    MmStruct.pgd.set(this.m, mm, pgd);
    if (pgd === 0) return false;
    if (this.lock === undefined) {
      this.cloneKernelHalf(cpu, pgd);
      return true;
    }
    this.lock.lock(cpu);
    this.cloneKernelHalf(cpu, pgd);
    listAdd(this.m, MmStruct.pgdList.addr(mm), this.listHead);
    this.lock.unlock(cpu);
    return true;
  }

  /** mm_free_pgd(). */
  mmFreePgd(cpu: Cpu, mm: number): void {
    const pgd = MmStruct.pgd.get(this.m, mm);
    if (this.lock !== undefined) {
      this.lock.lock(cpu);
      listDel(this.m, MmStruct.pgdList.addr(mm));
      this.lock.unlock(cpu);
    }
    this.pages.freePages(cpu, pgd, 0);
    MmStruct.pgd.set(this.m, mm, 0);
  }

  /** clone_pgd_range(pgd + KERNEL_PGD_BOUNDARY, swapper_pg_dir + KERNEL_PGD_BOUNDARY, …). */
  private cloneKernelHalf(cpu: Cpu, pgd: number): void {
    const from = this.swapper + PAGE_SIZE - KERNEL_PGD_BYTES;
    this.m.u8.copyWithin(pgd + PAGE_SIZE - KERNEL_PGD_BYTES, from, from + KERNEL_PGD_BYTES);
    cpu.cost('zeroByte', KERNEL_PGD_BYTES);
  }
}
