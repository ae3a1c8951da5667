// A file that processes map: its struct address_space with the i_mmap tree
// and i_mmap_rwsem (include/linux/fs.h, mm/vma.c vma_link_file /
// unlink_file_vma_batch_*), the inode's write and read counts, the
// dentry's lockref, and the page-cache folios of its pages.
//
// Kept: i_mmap_rwsem taken for write around every change of the mapping's
// interval tree — one VMA linked (vma_link_file), a batch of up to 8 VMAs
// of this file unlinked at exit (unlink_file_vma_batch_process), a VMA
// split or trimmed (vma_prepare); the tree holds every VMA of this file in
// every process, so an insert or a removal walks ~log2(VMAs) nodes, each in
// the VMA of whichever process linked it. deny_write_access /
// allow_write_access on i_writecount, i_readcount on every open and final
// fput, the dentry's lockref on every walk that ends at the file and every
// dput, and per mapped page the folio's refcount and mapcount.
// Left out: the interval tree's balancing (the model keeps the VMAs on a
// list and walks the nodes a balanced tree of that size would visit:
// the most recently linked ones), readers of i_mmap_rwsem (rmap walks come
// from reclaim, migration and truncation, which doexec does not run),
// page-cache lookups and readahead (the file is fully cached).
//
// Whether other CPUs see these lines depends on who maps the file. In
// doexec as kernel developers run it every process execs its own copy of
// the binary, so its mapping is private to one CPU; a dynamically linked
// binary's ld.so, libc.so.6 and ld.so.cache are one file for everyone.
//
// Locks: mapping->i_mmap_rwsem (rw_semaphore, taken for write only here:
// a sleeping lock with optimistic spinning, as a mutex) protects i_mmap and
// nrMmap.
import { CACHE_LINE, lockInit, LockKind, LockWord, struct, type Cpu, type Kernel, type KernelMemory, type Lock } from '@percpu-lab/machine';
import { initListHead, ListHead, listAdd, listDel } from '../list.js';
import { Vma } from './vma.js';

export const I_MMAP_RWSEM = 'mapping->i_mmap_rwsem';
/** unlink_file_vma_batch holds at most this many VMAs (mm/vma.h). */
export const UNLINK_BATCH = 8;

export const AddressSpace = struct('address_space', {
  iMmapRwsem: { bytes: LockWord.size, align: CACHE_LINE },
  /** i_mmap: every VMA mapping this file, of every process. */
  iMmap: { bytes: ListHead.size, align: CACHE_LINE },
  nrMmap: 'i32',
  /** Page-cache folios: nrPages records of FilePage, one line each. */
  nrPages: 'i32',
  pages: 'i32',
  /** Nonzero when more than one CPU's processes map this file. */
  shared: 'i32',
  /** struct inode: i_writecount and i_readcount, on one line. */
  iWritecount: { bytes: 4, align: CACHE_LINE },
  iReadcount: 'i32',
  /** struct dentry: the d_lockref count. */
  dLockref: { bytes: 4, align: CACHE_LINE },
  pad: { bytes: 0, align: CACHE_LINE },
});

/** A page-cache folio of the file, reduced to its refcount and mapcount (one struct page line). */
export const FilePage = struct('file_folio', {
  refcount: 'i32',
  mapcount: 'i32',
  pad: { bytes: CACHE_LINE - 8 },
});

/** Boot bytes of one file of `pages` pages. */
export function mappingBootBytes(pages: number): number {
  return AddressSpace.size + pages * FilePage.size + CACHE_LINE;
}

/** Boot: a fully cached file of `pages` pages; `shared` when processes on several CPUs map it. */
export function mappingBoot(kernel: Kernel, pages: number, shared: boolean): number {
  const m = kernel.mem;
  const a = kernel.memblockAlloc(AddressSpace.size, CACHE_LINE);
  lockInit(kernel, AddressSpace.iMmapRwsem.addr(a), LockKind.Mutex, I_MMAP_RWSEM);
  initListHead(m, AddressSpace.iMmap.addr(a));
  AddressSpace.nrPages.set(m, a, pages);
  AddressSpace.pages.set(m, a, kernel.memblockAlloc(pages * FilePage.size, CACHE_LINE));
  AddressSpace.shared.set(m, a, shared ? 1 : 0);
  // The page cache's own reference on every folio.
  for (let i = 0; i < pages; i++) FilePage.refcount.set(m, filePage(m, a, i), 1);
  return a;
}

function filePage(m: KernelMemory, mapping: number, i: number): number {
  return AddressSpace.pages.get(m, mapping) + i * FilePage.size;
}

/** ceil(log2(n + 1)): the depth of a balanced tree of n nodes. */
function treeDepth(n: number): number {
  return n <= 0 ? 0 : 32 - Math.clz32(n);
}

/** One file's mapping operations as one CPU runs them. */
export class Mapping {
  private readonly m: KernelMemory;
  private readonly lock: Lock;
  readonly shared: boolean;

  constructor(kernel: Kernel, readonly addr: number) {
    this.m = kernel.mem;
    this.lock = kernel.lockAt(AddressSpace.iMmapRwsem.addr(addr));
    this.shared = AddressSpace.shared.get(this.m, addr) !== 0;
  }

  get nrPages(): number {
    return AddressSpace.nrPages.get(this.m, this.addr);
  }

  /** The page-cache folio of file page `i` (a PTE's target). */
  folio(i: number): number {
    return filePage(this.m, this.addr, i);
  }

  /** The file page a page-cache folio holds, or -1 when the folio is not this file's. */
  pageIndexOf(folio: number): number {
    const i = (folio - AddressSpace.pages.get(this.m, this.addr)) / FilePage.size;
    return Number.isInteger(i) && i >= 0 && i < this.nrPages ? i : -1;
  }

  /** VMAs in the i_mmap tree (for checks). */
  get nrMmap(): number {
    return AddressSpace.nrMmap.get(this.m, this.addr);
  }

  /** vma_link_file(): one VMA into the tree under i_mmap_rwsem. */
  vmaLinkFile(cpu: Cpu, vma: number): void {
    this.lock.lock(cpu);
    this.insert(cpu, vma);
    this.lock.unlock(cpu);
  }

  /** unlink_file_vma_batch_process(): up to UNLINK_BATCH VMAs of this file out of the tree in one section. */
  unlinkFileVmaBatch(cpu: Cpu, vmas: readonly number[]): void {
    this.lock.lock(cpu);
    for (const vma of vmas) this.remove(cpu, vma);
    this.lock.unlock(cpu);
  }

  /**
   * vma_prepare() … vma_complete() of a split or a trim: the VMA leaves the
   * tree and `pieces` VMAs covering what remains of it are inserted, in one
   * section. `added` are the new VMAs besides `vma` itself (0 for a trim).
   */
  vmaAdjust(cpu: Cpu, vma: number, added: readonly number[]): void {
    this.lock.lock(cpu);
    this.remove(cpu, vma);
    this.insert(cpu, vma);
    for (const v of added) this.insert(cpu, v);
    this.lock.unlock(cpu);
  }

  /** deny_write_access() (+1 writer denied) or allow_write_access() (−1): i_writecount. */
  writeAccess(cpu: Cpu, deny: boolean): void {
    this.rmw(cpu, AddressSpace.iWritecount.addr(this.addr), deny ? -1 : 1);
  }

  /** i_readcount_inc / i_readcount_dec of a read-only open and its final fput. */
  readCount(cpu: Cpu, delta: number): void {
    this.rmw(cpu, this.addr + AddressSpace.iReadcount.offset, delta);
  }

  /** lockref_get / dput of the file's dentry. */
  dentryRef(cpu: Cpu, delta: number): void {
    this.rmw(cpu, AddressSpace.dLockref.addr(this.addr), delta);
  }

  /**
   * filemap_map_pages() of pages [first, first + n): each folio gains a
   * reference and a mapping (folio_ref_add, folio_add_file_rmap_ptes).
   */
  mapPages(cpu: Cpu, first: number, n: number): void {
    this.folioRefs(cpu, first, n, 1);
  }

  /** zap_present_ptes() and the gather's folios_put_refs for page-cache folios: mapping and reference dropped. */
  unmapPages(cpu: Cpu, first: number, n: number): void {
    this.folioRefs(cpu, first, n, -1);
  }

  /**
   * Every folio's reference and mapping count. A private copy's folios are
   * written by one CPU only, where the kernel's atomics cost no more than
   * plain adds (the profile prices them with the PTE); a shared file's are
   * real atomics on lines every CPU writes.
   */
  private folioRefs(cpu: Cpu, first: number, n: number, delta: number): void {
    const i32 = this.m.i32;
    const end = Math.min(first + n, this.nrPages);
    let p = filePage(this.m, this.addr, first);
    for (let i = first; i < end; i++, p += FilePage.size) {
      const ref = FilePage.refcount.index(p);
      const map = FilePage.mapcount.index(p);
      if (this.shared) {
        Atomics.add(i32, ref, delta);
        Atomics.add(i32, map, delta);
        cpu.touchShared(p, FilePage.size);
      } else {
        i32[ref]! += delta;
        i32[map]! += delta;
      }
    }
  }

  /** An atomic on one of the file's lines: local for a private copy, a transfer when another CPU wrote it last. */
  private rmw(cpu: Cpu, addr: number, delta: number): void {
    Atomics.add(this.m.i32, addr >> 2, delta);
    cpu.cost('atomic', 1);
    if (this.shared) cpu.touchShared(addr, 4);
  }

  /** vma_interval_tree_insert(). Caller holds i_mmap_rwsem. */
  private insert(cpu: Cpu, vma: number): void {
    const m = this.m;
    const n = AddressSpace.nrMmap.get(m, this.addr);
    this.walkTree(cpu, n + 1);
    listAdd(m, Vma.iMmapLink.addr(vma), AddressSpace.iMmap.addr(this.addr));
    AddressSpace.nrMmap.set(m, this.addr, n + 1);
  }

  /** vma_interval_tree_remove(). Caller holds i_mmap_rwsem. */
  private remove(cpu: Cpu, vma: number): void {
    const m = this.m;
    const n = AddressSpace.nrMmap.get(m, this.addr);
    this.walkTree(cpu, n);
    listDel(m, Vma.iMmapLink.addr(vma));
    AddressSpace.nrMmap.set(m, this.addr, n - 1);
  }

  /**
   * The nodes an insert or removal in a balanced tree of `n` VMAs visits
   * (and rebalances): ~log2(n), priced per level, each node's line pulled
   * from the CPU whose process linked that VMA. The list's first entries
   * (the most recently linked VMAs) stand in for the path.
   */
  private walkTree(cpu: Cpu, n: number): void {
    const depth = treeDepth(n);
    cpu.cost('iMmapTreeLevel', depth);
    if (!this.shared) return;
    const head = AddressSpace.iMmap.addr(this.addr);
    let link = ListHead.next.get(this.m, head);
    for (let d = 0; d < depth && link !== head; d++, link = ListHead.next.get(this.m, link)) cpu.touchShared(link, ListHead.size);
  }
}
