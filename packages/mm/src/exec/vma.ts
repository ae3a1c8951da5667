// struct vm_area_struct and an mm's list of them (include/linux/mm_types.h,
// mm/vma.c, mm/mmap.c, kernel/fork.c vm_area_alloc / vm_area_free).
//
// Kept: every VMA is a slab object of vm_area_cachep, carries its range,
// whether it is anonymous, and the file it maps; an mm keeps its VMAs in
// address order; a file VMA is also in its file's i_mmap (mapping.ts).
// Left out: the maple tree (the mm keeps a sorted list; the tree's stores
// are priced with the VMA: vmaCreate / vmaDestroy), the per-VMA lock object
// (priced there too), anon_vma chains (priced per first fault of an
// anonymous VMA), flags beyond anonymous or file, vm_pgoff (pages are
// counted from the file's first page).
//
// Locks: the owner's mmap_lock, which a single-threaded exec holds without
// contention and the model does not take.
import { CACHE_LINE, type Cpu, type Kernel, type KernelMemory } from '@percpu-lab/machine';
import { struct } from '@percpu-lab/machine';
import { KmemCache, kmemCacheCreate } from '@percpu-lab/slab';
import { ListHead, listAdd, listDel } from '../list.js';
import { MmStruct } from '../mm-struct.js';

export const VM_AREA_CACHE = 'vm_area_struct';

export const Vma = struct('vm_area_struct', {
  vmStart: 'f64',
  vmEnd: 'f64',
  /** The file's address_space, 0 for anonymous memory. */
  file: 'i32',
  /** Index of the file page at vmStart. */
  pgoff: 'i32',
  /** This VMA in its mm's address-ordered list. */
  mmLink: { bytes: ListHead.size },
  /** This VMA in its file's i_mmap. */
  iMmapLink: { bytes: ListHead.size },
  pad: { bytes: 0, align: 8 },
});

/** Boot: vm_area_cachep (once per kernel). */
export function vmaBoot(kernel: Kernel): void {
  if (kernel.hasSymbol('vma_boot')) return;
  kmemCacheCreate(kernel, VM_AREA_CACHE, Vma.size, CACHE_LINE);
  kernel.defineSymbol('vma_boot', 1);
}

/** The VMA whose mmLink is at `link`. */
export const vmaOfLink = (link: number): number => link - Vma.mmLink.offset;

/** VMA operations of one CPU. */
export class Vmas {
  private readonly m: KernelMemory;
  private readonly cache: KmemCache;

  constructor(kernel: Kernel) {
    this.m = kernel.mem;
    this.cache = new KmemCache(kernel, VM_AREA_CACHE);
  }

  /**
   * vm_area_alloc() and its insertion into the mm (insert_vm_struct /
   * vma_link's maple store): 0 when no slab object is left.
   */
  vmaCreate(cpu: Cpu, mm: number, start: number, end: number, file: number, pgoff: number): number {
    const v = this.cache.kmemCacheAlloc(cpu);
    if (v === 0) return 0;
    const m = this.m;
    Vma.vmStart.set(m, v, start);
    Vma.vmEnd.set(m, v, end);
    Vma.file.set(m, v, file);
    Vma.pgoff.set(m, v, pgoff);
    this.linkInOrder(mm, v);
    cpu.cost('vmaCreate', 1);
    return v;
  }

  /** remove_vma() after it left the mm: vm_area_free (the caller unlinked it from its file). */
  vmaDestroy(cpu: Cpu, vma: number): void {
    listDel(this.m, Vma.mmLink.addr(vma));
    this.cache.kmemCacheFree(cpu, vma);
    cpu.cost('vmaDestroy', 1);
  }

  /** The mm's VMAs in address order. */
  list(mm: number): number[] {
    const m = this.m;
    const head = MmStruct.mmap.addr(mm);
    const out: number[] = [];
    for (let l = ListHead.next.get(m, head); l !== head; l = ListHead.next.get(m, l)) out.push(vmaOfLink(l));
    return out;
  }

  /** The mm's list is kept in address order, as the maple tree is. */
  private linkInOrder(mm: number, v: number): void {
    const m = this.m;
    const head = MmStruct.mmap.addr(mm);
    const start = Vma.vmStart.get(m, v);
    let prev = head;
    for (let l = ListHead.next.get(m, head); l !== head && Vma.vmStart.get(m, vmaOfLink(l)) < start; l = ListHead.next.get(m, l)) prev = l;
    listAdd(m, Vma.mmLink.addr(v), prev);
  }
}
