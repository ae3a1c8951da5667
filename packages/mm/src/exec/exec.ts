// One cycle of doexec as the kernel runs it (fs/exec.c, fs/binfmt_elf.c,
// mm/mmap.c, mm/memory.c, kernel/sched/core.c), around the mm life cycle
// that mm-path.ts models: a process execs its own binary again, the new
// image starts, runs until it calls execve, and the old mm is torn down.
//
// The cycle, in the order the lab's mm cycle runs it (the mm of this cycle
// is the one torn down at its end, where the kernel tears down the previous
// image's mm inside the next execve: the same steps, once per cycle):
//   bprmMmInit  __bprm_mm_init: the first stack VMA, after mm_alloc
//   execLoad    syscall entry, getname, do_open_execat, prepare_exec_creds,
//               sched_mm_cid_before_execve, sched_exec, kernel_read of the
//               headers, search_binary_handler (binfmt_lock), copy_strings
//               (the argument page, faulted through GUP)
//   execMap     begin_new_exec: set_mm_exe_file, exec_mmap (CR3 switch, the
//               second mm_init_cid, lru_gen_add_mm), commit_creds;
//               setup_arg_pages (the stack moved to its random top, grown
//               to 128 KiB), elf_map of every PT_LOAD (vma_link_file), bss,
//               the vDSO, create_elf_tables, sched_mm_cid_after_execve,
//               free_bprm, syscall exit and the task work's final fput of
//               the previous binary
//   runImage    the new image: its user-space start-up, its system calls,
//               brk and the loader's mappings, mprotect(RELRO) splits, and
//               its page faults (fault-around on file pages, copy-on-write,
//               zero-fill), each counted in the rss counters
//   exitMmap    exit_mmap of this mm: lru_add_drain, zap of every VMA,
//               tlb_finish_mmu (folios_put_refs under lru_lock, the memcg
//               uncharge), free_pgtables (unlink_file_vma batches under
//               i_mmap_rwsem, the table pages), remove_vma, then
//               lru_gen_del_mm and set_mm_exe_file(NULL); mmdrop follows.
//
// Shared between CPUs (one process per CPU, one memcg, one uid): the
// lruvec of each node (lru_lock), the memcg's mm_list (mm_list.lock), a
// shared library's i_mmap_rwsem, and atomics on lines every CPU writes —
// binfmt_lock's reader count, the init_user_ns refcount, the user's
// user_struct, ucounts and group_info refcounts, the memcg's page
// counters, the vDSO page, a shared file's inode, dentry and page-cache
// folios. pgd_lock and the percpu locks belong to the mm path.
// Private, priced by the profile and not modelled further: the system-call
// and exception entries, path walks, credentials, ELF header reads, VMA and
// slab work, fault bodies, zaps, the CR3 switch, sched_exec on a pinned
// task (no migration), the new image's user instructions.
// Left out: sched_exec migration (doexec is pinned), binfmt_misc, LSM
// hooks beyond the credentials' blob, the perf/audit/fsnotify hooks
// (static keys off), huge pages, swap.
import { CACHE_LINE, PAGE_SIZE, PageAllocator, struct, type Cpu, type Kernel, type KernelMemory } from '@percpu-lab/machine';
import { MM_ANONPAGES, MM_FILEPAGES, MmStruct } from '../mm-struct.js';
import type { MmOps } from '../strategy.js';
import { BINARY_IMAGES, STACK_PAGES, type BinaryImage, type BinaryKind, type VmaSpec } from './image.js';
import { Lru, lruBoot, lruBootBytes } from './lru.js';
import { Mapping, mappingBoot, mappingBootBytes, UNLINK_BATCH } from './mapping.js';
import { MemcgCharge, memcgBoot, memcgBootBytes } from './memcg.js';
import { PageTables, PTE_ANON, PTE_PRESENT } from './pgtable.js';
import { Vma, vmaBoot, Vmas } from './vma.js';

/** Lines every exec'ing CPU writes with atomics (see the header). */
export const ExecShared = struct('exec_shared_lines', {
  /** binfmt_lock (rwlock_t): readers add to and subtract from its count. */
  binfmtLock: { bytes: CACHE_LINE, align: CACHE_LINE },
  /** init_user_ns.ns.count: get_user_ns in mm_init and prepare_creds, put at __mmdrop and put_cred_rcu. */
  initUserNs: { bytes: CACHE_LINE, align: CACHE_LINE },
  /** The uid's user_struct, ucounts and the session's group_info refcounts (prepare_creds / put_cred_rcu). */
  userStruct: { bytes: CACHE_LINE, align: CACHE_LINE },
  ucounts: { bytes: CACHE_LINE, align: CACHE_LINE },
  groupInfo: { bytes: CACHE_LINE, align: CACHE_LINE },
  /** The vDSO's struct page: every process maps the same kernel page. */
  vdsoPage: { bytes: CACHE_LINE, align: CACHE_LINE },
});

/** search_binary_handler: read_lock/read_unlock pairs on binfmt_lock for misc, script and elf, and the final unlock. */
const BINFMT_LOCK_RMWS = 8;
/** The user-space end of the stack: STACK_TOP_MAX on x86-64 (TASK_SIZE_MAX). */
const STACK_TOP_MAX = 0x7ffffffff000;
/** randomize_stack_top: up to 16 GiB below STACK_TOP (22 bits of pages). */
const STACK_RND_PAGES = 2 ** 22;
/** The mmap area's top sits below the stack's 8 MiB rlimit and the randomisation gap, down to mmap_rnd_bits = 28 bits of pages lower. */
const MMAP_GAP = 16 * 2 ** 30 + 8 * 2 ** 20 + 2 ** 20;
const MMAP_RND_PAGES = 2 ** 28;
/** ET_EXEC's link address and ELF_ET_DYN_BASE for PIE. */
const EXEC_BASE = 0x400000;
const ET_DYN_BASE = 0x555555554000;
/** arch_randomize_brk: within 1 GiB above the end of bss. */
const BRK_RND_PAGES = 2 ** 18;
/** fault_around_bytes: a read fault maps up to 16 pages around the address. */
const FAULT_AROUND_PAGES = 16;

/** Boot bytes of the exec model for `nrCpus` CPUs on `nodes` nodes. */
export function execBootBytes(kind: BinaryKind, nrCpus: number, nodes: number): number {
  const image = BINARY_IMAGES[kind];
  const files = image.files.reduce((b, f) => b + mappingBootBytes(f.pages) * (f.shared ? 1 : nrCpus), 0);
  return files + 4 * image.files.length * nrCpus + ExecShared.size + lruBootBytes(nrCpus, nodes) + memcgBootBytes(nrCpus) + 4 * CACHE_LINE;
}

/** Boot: the image's files (shared ones once, private ones per CPU), the shared lines, LRU, memcg and VMA caches. */
export function execBoot(kernel: Kernel, kind: BinaryKind): void {
  const image = BINARY_IMAGES[kind];
  lruBoot(kernel);
  memcgBoot(kernel);
  vmaBoot(kernel);
  kernel.defineSymbol('exec_shared', kernel.memblockAlloc(ExecShared.size, CACHE_LINE));
  const table = kernel.memblockAlloc(4 * image.files.length * kernel.nrCpus, CACHE_LINE);
  for (const [i, f] of image.files.entries()) {
    const one = f.shared ? mappingBoot(kernel, f.pages, true) : 0;
    for (let c = 0; c < kernel.nrCpus; c++) kernel.mem.i32[(table >> 2) + c * image.files.length + i] = f.shared ? one : mappingBoot(kernel, f.pages, false);
  }
  kernel.defineSymbol(`exec_files:${kind}`, table);
}

/** A VMA of this cycle, the spec it came from and where the layout put it. */
interface LiveVma {
  vma: number;
  spec: VmaSpec;
}

/** The exec cycle of one CPU's process. */
export class Exec {
  private readonly m: KernelMemory;
  private readonly pages: PageAllocator;
  private readonly tables: PageTables;
  private readonly vmas: Vmas;
  private readonly lru: Lru;
  private readonly memcg: MemcgCharge;
  private readonly files: Mapping[];
  private readonly shared: number;
  private readonly image: BinaryImage;
  /** This cycle's VMAs; the stack's. */
  private live: LiveVma[] = [];
  private stack = 0;
  /** Where this cycle's layout puts each of the image's VMAs. */
  private readonly starts: number[];
  /** Pages this cycle's mm has in its rss counters (file and anonymous): what add_mm_counter added and not yet took back. */
  rssPages = 0;

  constructor(kernel: Kernel, private readonly cpu: Cpu, private readonly ops: MmOps, kind: BinaryKind) {
    this.m = kernel.mem;
    this.image = BINARY_IMAGES[kind];
    this.pages = new PageAllocator(kernel);
    this.tables = new PageTables(kernel, this.pages);
    this.vmas = new Vmas(kernel);
    this.lru = new Lru(kernel, this.pages);
    this.memcg = new MemcgCharge(kernel);
    this.shared = kernel.symbol('exec_shared');
    const table = kernel.symbol(`exec_files:${kind}`) >> 2;
    const n = this.image.files.length;
    this.files = this.image.files.map((_, i) => new Mapping(kernel, this.m.i32[table + cpu.id * n + i]!));
    this.starts = new Array<number>(this.image.vmas.length).fill(0);
  }

  /** __bprm_mm_init(): the one-page stack VMA at the top of the new mm; false when memory ran out. */
  bprmMmInit(mm: number): boolean {
    this.stack = this.vmas.vmaCreate(this.cpu, mm, STACK_TOP_MAX - PAGE_SIZE, STACK_TOP_MAX, 0, 0);
    return this.stack !== 0;
  }

  /** From the execve system call to the point of no return; false when memory ran out. */
  execLoad(mm: number): boolean {
    const { cpu, image } = this;
    cpu.cost('syscall', 1);
    cpu.cost('slabObject', image.slabObjects);
    cpu.cost('pathComponent', image.pathComponents);
    this.forFiles((f, spec) => spec.execOpened === true && f === this.files[0], (f) => this.openFile(f, true));
    this.credsGet();
    cpu.cost('mmCidExec', 1);
    cpu.cost('schedExec', 1);
    cpu.cost('kernelRead', image.headerReads);
    for (let i = 0; i < BINFMT_LOCK_RMWS / 2; i++) {
      this.sharedAdd(ExecShared.binfmtLock.addr(this.shared), 1);
      this.sharedAdd(ExecShared.binfmtLock.addr(this.shared), -1);
    }
    // copy_strings: the argument page, faulted through get_user_pages_remote.
    return this.anonFault(mm, STACK_TOP_MAX - PAGE_SIZE, true, false);
  }

  /** begin_new_exec and the rest of load_elf_binary, to the return to user space; false when memory ran out. */
  execMap(mm: number): boolean {
    const { cpu, image } = this;
    this.files[0]!.writeAccess(cpu, true);
    cpu.cost('cr3Switch', 1);
    this.ops.mmInitCid(cpu, mm);
    this.lru.lruGenAddMm(cpu, MmStruct.lruGenList.addr(mm));
    this.credsPut();
    if (!this.setupArgPages(mm)) return false;
    this.layout();
    this.live = [];
    // load_elf_interp: ld.so is opened and mapped by the kernel too.
    this.forFiles((f, spec) => spec.execOpened === true && f !== this.files[0], (f) => this.openFile(f, true));
    for (const [i, spec] of image.vmas.entries()) if (spec.runtime !== true && !this.mapVma(mm, i)) return false;
    this.forFiles((f, spec) => spec.execOpened === true && f !== this.files[0], (f) => f.writeAccess(cpu, false));
    // create_elf_tables writes argc, argv and auxv below the strings: one more stack page.
    if (!this.anonFault(mm, this.stackTop() - 2 * PAGE_SIZE, false, false)) return false;
    cpu.cost('mmCidExec', 1);
    // free_bprm: do_close_execat.
    this.files[0]!.writeAccess(cpu, false);
    return true;
  }

  /** The new image from _start to its next execve; false when memory ran out. */
  runImage(mm: number): boolean {
    const { cpu, image } = this;
    cpu.cost('userInstruction', image.userInstructions);
    cpu.cost('syscall', image.syscalls - 1);
    // The loader's opens (a dynamic binary's libc and ld.so.cache).
    this.forFiles((_, spec) => spec.opened && spec.execOpened !== true, (f) => this.openFile(f, false));
    for (const [i, spec] of image.vmas.entries()) if (spec.runtime === true && !this.mapVma(mm, i)) return false;
    for (const v of this.live) if (!this.faultIn(mm, v)) return false;
    for (const v of this.live) if (v.spec.relro === true && !this.relroSplit(mm, v)) return false;
    for (const v of this.live) if (v.spec.transient === true) this.unmapVma(mm, v);
    this.live = this.live.filter((l) => l.spec.transient !== true);
    // The final fput of every file this cycle opened runs as task work on a later way out of the kernel.
    this.forFiles((_, spec) => spec.opened, (f) => this.closeFile(f));
    // The stack page the program's own frames reach.
    return this.anonFault(mm, this.stackTop() - 3 * PAGE_SIZE, false, false);
  }

  /** exit_mmap() and the rest of __mmput before the mm's last reference goes. */
  exitMmap(mm: number): void {
    const { cpu, m } = this;
    this.lru.lruAddDrain(cpu);
    const vmas = this.vmas.list(mm);
    // unmap_vmas into one mmu_gather: page-cache references and anonymous folios, in address order.
    const anon: number[] = [];
    const anonAt: number[] = [];
    let entries = 0;
    for (const vma of vmas) {
      const mapping = this.mappingOf(Vma.file.get(m, vma));
      const first = entries;
      let file = 0;
      this.tables.zapRange(mm, Vma.vmStart.get(m, vma), Vma.vmEnd.get(m, vma), (target, isAnon) => {
        if (isAnon) {
          anon.push(target);
          anonAt.push(entries);
        } else {
          this.dropFilePage(target, mapping);
          file++;
        }
        entries++;
      });
      cpu.cost('pteZap', entries - first);
      if (file > 0) this.addRss(mm, MM_FILEPAGES, -file);
    }
    if (anon.length > 0) this.addRss(mm, MM_ANONPAGES, -anon.length);
    // tlb_finish_mmu: the gather's references dropped, anonymous folios freed under lru_lock.
    this.lru.foliosPutRefs(cpu, anon, anonAt, entries);
    this.memcg.unchargeFolios(cpu, anon.length);
    // free_pgtables: each file's contiguous VMAs leave its i_mmap in batches of up to 8.
    this.unlinkFileVmas(vmas);
    for (const vma of vmas) this.tables.freeRange(cpu, mm, Vma.vmStart.get(m, vma), Vma.vmEnd.get(m, vma));
    for (const vma of vmas) this.vmas.vmaDestroy(cpu, vma);
    this.lru.lruGenDelMm(cpu, MmStruct.lruGenList.addr(mm));
    // set_mm_exe_file(mm, NULL).
    this.files[0]!.writeAccess(cpu, false);
    this.live = [];
    this.stack = 0;
    this.rssPages = 0;
  }

  // ---- the steps' parts ----

  /** add_mm_counter(), and the program's own count of what the counters hold. */
  private addRss(mm: number, member: number, pages: number): void {
    this.ops.addMmCounter(this.cpu, mm, member, pages);
    this.rssPages += pages;
  }

  private forFiles(pick: (f: Mapping, spec: BinaryImage['files'][number]) => boolean, fn: (f: Mapping) => void): void {
    for (const [i, f] of this.files.entries()) if (pick(f, this.image.files[i]!)) fn(f);
  }

  /**
   * do_filp_open: the walk's and path_get's references on the dentry, the
   * walk's dropped again (terminate_walk), i_readcount; an exec open also
   * denies writers (do_open_execat).
   */
  private openFile(f: Mapping, exec: boolean): void {
    const { cpu } = this;
    cpu.cost('fileOpen', 1);
    f.dentryRef(cpu, 1);
    f.dentryRef(cpu, 1);
    f.dentryRef(cpu, -1);
    f.readCount(cpu, 1);
    if (exec) f.writeAccess(cpu, true);
  }

  /** The final __fput: dput, i_readcount_dec. */
  private closeFile(f: Mapping): void {
    f.dentryRef(this.cpu, -1);
    f.readCount(this.cpu, -1);
  }

  /** prepare_creds: references on the namespace's, the uid's and the session's shared objects. */
  private credsGet(): void {
    this.cpu.cost('creds', 1);
    for (const line of this.credLines()) this.sharedAdd(line, 1);
  }

  /** commit_creds → put_cred_rcu of the old credentials: the same references dropped. */
  private credsPut(): void {
    for (const line of this.credLines()) this.sharedAdd(line, -1);
  }

  private credLines(): number[] {
    const s = this.shared;
    return [ExecShared.initUserNs.addr(s), ExecShared.userStruct.addr(s), ExecShared.ucounts.addr(s), ExecShared.groupInfo.addr(s)];
  }

  /** One atomic add on a line every CPU writes. */
  private sharedAdd(line: number, delta: number): void {
    Atomics.add(this.m.i32, line >> 2, delta);
    this.cpu.cost('atomic', 1);
    this.cpu.touchShared(line, 4);
  }

  private stackTop(): number {
    return Vma.vmEnd.get(this.m, this.stack);
  }

  private randomPages(n: number): number {
    return this.cpu.randInt(0, n - 1) * PAGE_SIZE;
  }

  /**
   * setup_arg_pages(): relocate_vma_down moves the stack to its random top
   * (the page tables follow; the old ones are freed), then the VMA grows to
   * 128 KiB.
   */
  private setupArgPages(mm: number): boolean {
    const top = STACK_TOP_MAX - this.randomPages(STACK_RND_PAGES);
    const from = STACK_TOP_MAX - PAGE_SIZE;
    if (top !== STACK_TOP_MAX) {
      if (!this.tables.movePageTables(this.cpu, mm, from, top - PAGE_SIZE, PAGE_SIZE)) return false;
      this.tables.freeRange(this.cpu, mm, from, STACK_TOP_MAX);
    }
    Vma.vmStart.set(this.m, this.stack, top - STACK_PAGES * PAGE_SIZE);
    Vma.vmEnd.set(this.m, this.stack, top);
    this.cpu.cost('vmaCreate', 1);
    return true;
  }

  /**
   * Where this cycle's VMAs go: the image at its (random, for PIE) base,
   * each segment after the one before; the brk heap within 1 GiB after the
   * image; objects in the mmap area top-down from its random base below the
   * stack, each object's segments together.
   */
  private layout(): void {
    const { image } = this;
    let cursor = 0;
    let mmapTop = this.stackTop() - MMAP_GAP - this.randomPages(MMAP_RND_PAGES);
    for (const [i, spec] of image.vmas.entries()) {
      const len = spec.pages * PAGE_SIZE;
      switch (spec.at) {
        case 'image': cursor = image.fixedBase ? EXEC_BASE : ET_DYN_BASE + this.randomPages(MMAP_RND_PAGES >> 8); break;
        case 'heap': cursor += this.randomPages(BRK_RND_PAGES); break;
        case 'mmap': {
          // The object: this VMA and the 'next' ones after it.
          let size = len;
          for (let j = i + 1; j < image.vmas.length && image.vmas[j]!.at === 'next'; j++) size += image.vmas[j]!.pages * PAGE_SIZE;
          mmapTop -= size;
          cursor = mmapTop;
          break;
        }
        case 'next': break;
      }
      this.starts[i] = cursor;
      cursor += len;
    }
  }

  /** Map the image's VMA `i` where the layout put it (elf_map / vm_brk_flags / the loader's mmap / brk). */
  private mapVma(mm: number, i: number): boolean {
    const spec = this.image.vmas[i]!;
    const start = this.starts[i]!;
    const mapping = spec.file >= 0 ? this.files[spec.file]! : null;
    const vma = this.vmas.vmaCreate(this.cpu, mm, start, start + spec.pages * PAGE_SIZE, mapping?.addr ?? 0, spec.pgoff);
    if (vma === 0) return false;
    if (mapping !== null) {
      mapping.vmaLinkFile(this.cpu, vma);
      // The loader's further sections on this VMA: elf_map's total-size map trimmed, a reservation overlaid.
      for (let k = 1; k < spec.mapOps; k++) mapping.vmaAdjust(this.cpu, vma, []);
    }
    this.live.push({ vma, spec });
    return true;
  }

  /** The faults the new image takes in one VMA. */
  private faultIn(mm: number, v: LiveVma): boolean {
    const { spec } = v;
    const start = Vma.vmStart.get(this.m, v.vma);
    const mapping = spec.file >= 0 ? this.files[spec.file]! : null;
    // Read faults: fault-around maps the cached pages of a 16-page window.
    let mapped = 0;
    for (let f = 0; f < spec.readFaults; f++) {
      const n = Math.min(FAULT_AROUND_PAGES, Math.ceil((spec.mappedPages - mapped) / (spec.readFaults - f)));
      if (!this.fileFault(mm, start, mapped, n, mapping, spec.pgoff)) return false;
      mapped += n;
    }
    // Copy-on-write faults on the first pages, then zero-fill faults on the pages after them.
    for (let f = 0; f < spec.cowFaults; f++) {
      if (!this.anonFault(mm, start + (f % spec.pages) * PAGE_SIZE, f === 0, true)) return false;
    }
    for (let f = 0; f < spec.zeroFaults; f++) {
      if (!this.anonFault(mm, start + ((spec.cowFaults + f) % spec.pages) * PAGE_SIZE, f === 0 && spec.cowFaults === 0, false)) return false;
    }
    return true;
  }

  /** do_read_fault → filemap_map_pages: `n` page-cache pages from `first` mapped; false when a table page cannot be had. */
  private fileFault(mm: number, start: number, first: number, n: number, mapping: Mapping | null, pgoff: number): boolean {
    const { cpu } = this;
    cpu.cost('pageFault', 1);
    cpu.cost('fileFault', 1);
    cpu.cost('filePte', n);
    const vdso = ExecShared.vdsoPage.addr(this.shared);
    const mapped = this.tables.pteRangeAlloc(cpu, mm, start + first * PAGE_SIZE, n, (pte, i) => {
      if (mapping === null) {
        // The vDSO: special_mapping_fault → vdso_fault maps the kernel's page (a reference and a mapping).
        this.sharedAdd(vdso, 1);
        this.sharedAdd(vdso, 1);
        this.tables.setPte(pte, vdso, false);
      } else this.tables.setPte(pte, mapping.folio(pgoff + first + i), false);
    });
    if (!mapped) return false;
    if (mapping !== null) mapping.mapPages(cpu, pgoff + first, n);
    this.addRss(mm, MM_FILEPAGES, n);
    return true;
  }

  /** A zapped or replaced file PTE: the page-cache folio's mapping and reference dropped (the vDSO's page when no file). */
  private dropFilePage(target: number, mapping: Mapping | null): void {
    if (mapping === null) {
      this.sharedAdd(ExecShared.vdsoPage.addr(this.shared), -1);
      this.sharedAdd(ExecShared.vdsoPage.addr(this.shared), -1);
    } else mapping.unmapPages(this.cpu, mapping.pageIndexOf(target), 1);
  }

  /**
   * An anonymous folio at `va`: zero-filled (do_anonymous_page), or a copy
   * of the file page there (do_cow_fault, wp_page_copy); charged to the
   * memcg, into this CPU's lru_add batch, counted in MM_ANONPAGES.
   * `firstTouch`: the VMA's anon_vma is set up first.
   */
  private anonFault(mm: number, va: number, firstTouch: boolean, cow: boolean): boolean {
    const { cpu } = this;
    const pte = this.tables.pteAlloc(cpu, mm, va);
    if (pte === -1) return false;
    const addr = this.pages.allocPages(cpu, 0, false);
    if (addr === 0) return false;
    cpu.cost('pageFault', 1);
    cpu.cost(cow ? 'cowFault' : 'anonFault', 1);
    if (firstTouch) cpu.cost('anonVmaPrepare', 1);
    const old = this.tables.pteValue(pte);
    if (old !== 0) {
      // A present file page is replaced by its private copy.
      const target = old & ~(PTE_PRESENT | PTE_ANON);
      this.dropFilePage(target, this.files.find((f) => f.pageIndexOf(target) !== -1) ?? null);
      this.addRss(mm, MM_FILEPAGES, -1);
    }
    // clear_page or copy_page: user memory this CPU writes, streamed through its caches.
    cpu.cost('userPageByte', PAGE_SIZE);
    cpu.touchPrivate(PAGE_SIZE);
    this.memcg.chargeFolio(cpu);
    const folio = this.pages.pageOf(addr);
    this.tables.setPte(pte, folio, true);
    this.lru.folioAddLru(cpu, folio);
    this.addRss(mm, MM_ANONPAGES, 1);
    return true;
  }

  /** mprotect(RELRO): __split_vma of a data VMA, in one i_mmap_rwsem section. */
  private relroSplit(mm: number, v: LiveVma): boolean {
    const start = Vma.vmStart.get(this.m, v.vma);
    const end = Vma.vmEnd.get(this.m, v.vma);
    const mid = start + Math.max(1, Math.floor(v.spec.pages / 2)) * PAGE_SIZE;
    const mapping = this.files[v.spec.file]!;
    const piece = this.vmas.vmaCreate(this.cpu, mm, mid, end, mapping.addr, v.spec.pgoff + (mid - start) / PAGE_SIZE);
    if (piece === 0) return false;
    Vma.vmEnd.set(this.m, v.vma, mid);
    mapping.vmaAdjust(this.cpu, v.vma, [piece]);
    return true;
  }

  /** munmap of a transient mapping (ld.so.cache): zap, unlink, free. */
  private unmapVma(mm: number, v: LiveVma): void {
    const mapping = this.files[v.spec.file]!;
    let n = 0;
    this.tables.zapRange(mm, Vma.vmStart.get(this.m, v.vma), Vma.vmEnd.get(this.m, v.vma), (target) => {
      this.dropFilePage(target, mapping);
      n++;
    });
    this.cpu.cost('pteZap', n);
    if (n > 0) this.addRss(mm, MM_FILEPAGES, -n);
    mapping.unlinkFileVmaBatch(this.cpu, [v.vma]);
    this.vmas.vmaDestroy(this.cpu, v.vma);
  }

  /** free_pgtables' unlink_file_vma_batch: runs of VMAs of one file, up to UNLINK_BATCH per i_mmap_rwsem section. */
  private unlinkFileVmas(vmas: readonly number[]): void {
    let batch: number[] = [];
    let batchFile = 0;
    const flush = () => {
      if (batch.length > 0) this.mappingOf(batchFile)!.unlinkFileVmaBatch(this.cpu, batch);
      batch = [];
    };
    for (const vma of vmas) {
      const file = Vma.file.get(this.m, vma);
      if (file === 0) continue;
      if (file !== batchFile || batch.length === UNLINK_BATCH) flush();
      batchFile = file;
      batch.push(vma);
    }
    flush();
  }

  private mappingOf(file: number): Mapping | null {
    return file === 0 ? null : this.files.find((f) => f.addr === file) ?? null;
  }
}
