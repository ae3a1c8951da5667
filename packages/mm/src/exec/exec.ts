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
// lruvec of each node (lru_lock, lru.ts), the memcg's mm_list
// (mm_list.lock, lru.ts), a shared library's i_mmap_rwsem (mapping.ts),
// and atomics on lines every CPU writes (shared-lines.ts, memcg.ts's page
// counters, a shared file's inode, dentry and page-cache folios).
// pgd_lock and the percpu locks belong to the mm path. Faults are
// fault.ts's, the teardown exit-mmap.ts's, the places layout.ts's.
// Private, priced by the profile and not modelled further: the system-call
// and exception entries, path walks, credentials, ELF header reads, VMA and
// slab work, fault bodies, zaps, the CR3 switch, sched_exec on a pinned
// task (no migration), the new image's user instructions.
// Left out: sched_exec migration (doexec is pinned), binfmt_misc, LSM
// hooks beyond the credentials' blob, the perf/audit/fsnotify hooks
// (static keys off), huge pages, swap.
import { CACHE_LINE, PAGE_SIZE, PageAllocator, type Cpu, type Kernel } from '@percpu-lab/machine';
import { MM_FILEPAGES, MmStruct } from '../mm-struct.js';
import type { MmOps } from '../strategy.js';
import { exitMmap } from './exit-mmap.js';
import { Faults } from './fault.js';
import { BINARY_IMAGES, type BinaryImage, type BinaryKind, type FileSpec, type VmaSpec } from './image.js';
import { layoutImage, STACK_PAGES, STACK_RND_PAGES, STACK_TOP_MAX } from './layout.js';
import { Lru, lruBoot, lruBootBytes } from './lru.js';
import { Mapping, mappingBoot, mappingBootBytes } from './mapping.js';
import { MemcgCharge, memcgBoot, memcgBootBytes } from './memcg.js';
import type { ExecParts } from './parts.js';
import { PageTables } from './pgtable.js';
import { ExecShared, SharedLines, sharedLinesBoot } from './shared-lines.js';
import { Vma, vmaBoot, Vmas } from './vma.js';

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
  sharedLinesBoot(kernel);
  const table = kernel.memblockAlloc(4 * image.files.length * kernel.nrCpus, CACHE_LINE);
  for (const [i, f] of image.files.entries()) {
    const one = f.shared ? mappingBoot(kernel, f.pages, true) : 0;
    for (let c = 0; c < kernel.nrCpus; c++) kernel.mem.i32[(table >> 2) + c * image.files.length + i] = f.shared ? one : mappingBoot(kernel, f.pages, false);
  }
  kernel.defineSymbol(`exec_files:${kind}`, table);
}

/** A VMA of this cycle and the spec it came from. */
interface LiveVma {
  vma: number;
  spec: VmaSpec;
}

/** The exec cycle of one CPU's process. */
export class Exec {
  private readonly p: ExecParts;
  private readonly faults: Faults;
  private readonly image: BinaryImage;
  /** This cycle's VMAs; the stack's. */
  private live: LiveVma[] = [];
  private stack = 0;
  /** Where this cycle's layout puts each of the image's VMAs. */
  private starts: number[] = [];

  constructor(kernel: Kernel, private readonly cpu: Cpu, ops: MmOps, kind: BinaryKind) {
    this.image = BINARY_IMAGES[kind];
    const m = kernel.mem;
    const pages = new PageAllocator(kernel);
    const table = kernel.symbol(`exec_files:${kind}`) >> 2;
    const n = this.image.files.length;
    this.p = {
      cpu, ops, m, pages,
      tables: new PageTables(kernel, pages),
      vmas: new Vmas(kernel),
      lru: new Lru(kernel, pages),
      memcg: new MemcgCharge(kernel),
      lines: new SharedLines(kernel, cpu),
      files: this.image.files.map((_, i) => new Mapping(kernel, m.i32[table + cpu.id * n + i]!)),
    };
    this.faults = new Faults(this.p);
  }

  /** Pages this cycle's mm has in its rss counters. */
  get rssPages(): number {
    return this.faults.rssPages;
  }

  /** __bprm_mm_init(): the one-page stack VMA at the top of the new mm; false when memory ran out. */
  bprmMmInit(mm: number): boolean {
    this.stack = this.p.vmas.vmaCreate(this.cpu, mm, STACK_TOP_MAX - PAGE_SIZE, STACK_TOP_MAX, 0, 0);
    return this.stack !== 0;
  }

  /** From the execve system call to the point of no return; false when memory ran out. */
  execLoad(mm: number): boolean {
    const { cpu, image } = this;
    cpu.cost('syscall', 1);
    cpu.cost('slabObject', image.slabObjects);
    cpu.cost('pathComponent', image.pathComponents);
    this.openFile(this.p.files[0]!, true);
    cpu.cost('creds', 1);
    this.p.lines.creds(1);
    cpu.cost('mmCidExec', 1);
    cpu.cost('schedExec', 1);
    cpu.cost('kernelRead', image.headerReads);
    this.p.lines.binfmtWalk();
    // copy_strings: the argument page, faulted through get_user_pages_remote.
    return this.faults.anonFault(mm, STACK_TOP_MAX - PAGE_SIZE, true, false);
  }

  /** begin_new_exec and the rest of load_elf_binary, to the return to user space; false when memory ran out. */
  execMap(mm: number): boolean {
    const { cpu, image, p } = this;
    // set_mm_exe_file: the new mm denies writers of the binary too.
    p.files[0]!.writeAccess(cpu, true);
    cpu.cost('cr3Switch', 1);
    p.ops.mmInitCid(cpu, mm);
    p.lru.lruGenAddMm(cpu, MmStruct.lruGenList.addr(mm));
    // commit_creds: the old credentials go (put_cred_rcu).
    p.lines.creds(-1);
    if (!this.setupArgPages(mm)) return false;
    this.starts = layoutImage(image, this.stackTop(), (n) => this.randomPages(n));
    this.live = [];
    // load_elf_interp: ld.so is opened and mapped by the kernel too, then allowed writers again.
    const interp = this.files((spec, i) => spec.execOpened === true && i > 0);
    for (const f of interp) this.openFile(f, true);
    for (const [i, spec] of image.vmas.entries()) if (spec.runtime !== true && !this.mapVma(mm, i)) return false;
    for (const f of interp) f.writeAccess(cpu, false);
    // create_elf_tables writes argc, argv and auxv below the strings: one more stack page.
    if (!this.faults.anonFault(mm, this.stackTop() - 2 * PAGE_SIZE, false, false)) return false;
    cpu.cost('mmCidExec', 1);
    // free_bprm: do_close_execat.
    p.files[0]!.writeAccess(cpu, false);
    return true;
  }

  /** The new image from _start to its next execve; false when memory ran out. */
  runImage(mm: number): boolean {
    const { cpu, image } = this;
    cpu.cost('userInstruction', image.userInstructions);
    cpu.cost('syscall', image.syscalls - 1);
    // The loader's opens (a dynamic binary's libc and ld.so.cache).
    for (const f of this.files((spec) => spec.opened && spec.execOpened !== true)) this.openFile(f, false);
    for (const [i, spec] of image.vmas.entries()) if (spec.runtime === true && !this.mapVma(mm, i)) return false;
    for (const v of this.live) if (!this.faultIn(mm, v)) return false;
    for (const v of this.live) if (v.spec.relro === true && !this.relroSplit(mm, v)) return false;
    for (const v of this.live) if (v.spec.transient === true) this.unmapVma(mm, v);
    // The final fput of every file this cycle opened runs as task work on a later way out of the kernel.
    for (const f of this.files((spec) => spec.opened)) this.closeFile(f);
    // The stack page the program's own frames reach.
    return this.faults.anonFault(mm, this.stackTop() - 3 * PAGE_SIZE, false, false);
  }

  /** exit_mmap() and the rest of __mmput before the mm's last reference goes (exit-mmap.ts). */
  exitMmap(mm: number): void {
    exitMmap(this.p, this.faults, mm);
    this.live = [];
    this.stack = 0;
    this.faults.rssPages = 0;
  }

  /** The image's files whose spec `pick` accepts. */
  private files(pick: (spec: FileSpec, i: number) => boolean): Mapping[] {
    return this.p.files.filter((_, i) => pick(this.image.files[i]!, i));
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

  private stackTop(): number {
    return Vma.vmEnd.get(this.p.m, this.stack);
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
    const { cpu, m, tables } = this.p;
    const top = STACK_TOP_MAX - this.randomPages(STACK_RND_PAGES);
    const from = STACK_TOP_MAX - PAGE_SIZE;
    if (top !== STACK_TOP_MAX) {
      if (!tables.movePageTables(cpu, mm, from, top - PAGE_SIZE, PAGE_SIZE)) return false;
      tables.freeRange(cpu, mm, from, STACK_TOP_MAX);
    }
    Vma.vmStart.set(m, this.stack, top - STACK_PAGES * PAGE_SIZE);
    Vma.vmEnd.set(m, this.stack, top);
    cpu.cost('vmaCreate', 1);
    return true;
  }

  /** Map the image's VMA `i` where the layout put it (elf_map / vm_brk_flags / the loader's mmap / brk). */
  private mapVma(mm: number, i: number): boolean {
    const spec = this.image.vmas[i]!;
    const start = this.starts[i]!;
    const mapping = spec.file >= 0 ? this.p.files[spec.file]! : null;
    const vma = this.p.vmas.vmaCreate(this.cpu, mm, start, start + spec.pages * PAGE_SIZE, mapping?.addr ?? 0, spec.pgoff);
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
    const start = Vma.vmStart.get(this.p.m, v.vma);
    const mapping = spec.file >= 0 ? this.p.files[spec.file]! : null;
    // Read faults: fault-around maps the cached pages of a 16-page window.
    let mapped = 0;
    for (let f = 0; f < spec.readFaults; f++) {
      const n = Math.min(FAULT_AROUND_PAGES, Math.ceil((spec.mappedPages - mapped) / (spec.readFaults - f)));
      if (!this.faults.fileFault(mm, start, mapped, n, mapping, spec.pgoff)) return false;
      mapped += n;
    }
    // Copy-on-write faults on the first pages, then zero-fill faults on the pages after them.
    for (let f = 0; f < spec.cowFaults; f++) {
      if (!this.faults.anonFault(mm, start + (f % spec.pages) * PAGE_SIZE, f === 0, true)) return false;
    }
    for (let f = 0; f < spec.zeroFaults; f++) {
      if (!this.faults.anonFault(mm, start + ((spec.cowFaults + f) % spec.pages) * PAGE_SIZE, f === 0 && spec.cowFaults === 0, false)) return false;
    }
    return true;
  }

  /** mprotect(RELRO): __split_vma of a data VMA, in one i_mmap_rwsem section. */
  private relroSplit(mm: number, v: LiveVma): boolean {
    const { m, vmas } = this.p;
    const start = Vma.vmStart.get(m, v.vma);
    const end = Vma.vmEnd.get(m, v.vma);
    const mid = start + Math.max(1, Math.floor(v.spec.pages / 2)) * PAGE_SIZE;
    const mapping = this.p.files[v.spec.file]!;
    const piece = vmas.vmaCreate(this.cpu, mm, mid, end, mapping.addr, v.spec.pgoff + (mid - start) / PAGE_SIZE);
    if (piece === 0) return false;
    Vma.vmEnd.set(m, v.vma, mid);
    mapping.vmaAdjust(this.cpu, v.vma, [piece]);
    return true;
  }

  /** munmap of a transient mapping (ld.so.cache): zap, unlink, free. */
  private unmapVma(mm: number, v: LiveVma): void {
    const { m, tables, vmas } = this.p;
    const mapping = this.p.files[v.spec.file]!;
    let n = 0;
    tables.zapRange(mm, Vma.vmStart.get(m, v.vma), Vma.vmEnd.get(m, v.vma), (target) => {
      this.faults.dropFilePage(target, mapping);
      n++;
    });
    this.cpu.cost('pteZap', n);
    if (n > 0) this.faults.addRss(mm, MM_FILEPAGES, -n);
    mapping.unlinkFileVmaBatch(this.cpu, [v.vma]);
    vmas.vmaDestroy(this.cpu, v.vma);
  }
}
