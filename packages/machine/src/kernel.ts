// The booted machine as one CPU sees it: kernel memory, the boot allocator
// (memblock), the symbol table that lets a worker find what boot created,
// and the lock-class registry.
//
// The two things an engine plugs into the model are declared here too: the
// CPU context (Cpu) and the lock objects (Lock, built by the engine's
// LockOps). They live beside the Kernel because each refers to the others
// (a Cpu has a kernel, the kernel hands out Locks, a Lock is taken by a
// Cpu), and one file keeps that knot from becoming an import circle.
//
// Boot happens once, on the main thread: subsystems allocate their static
// state with memblockAlloc() and publish its address with defineSymbol().
// Workers then attach() to the same SharedArrayBuffer and look the symbols
// up; nothing a worker needs to share lives outside kernel memory.
import { BootError } from './errors.js';
import { Header, KERNEL_MAGIC, LAYOUT_VERSION } from './header.js';
import { KernelMemory } from './memory.js';
import { alignUp, CACHE_LINE } from './struct.js';
import { LockKind, LockWord } from './lock.js';

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;

/** Room for the symbol table (JSON) written at the end of boot. */
const SYMTAB_BYTES = 64 * 1024;
/** Lock classes are static, declared at boot like lockdep's keys. */
export const MAX_LOCK_CLASSES = 64;
/** Lock objects are cheap views; keep a bounded number of them per CPU. */
const LOCK_CACHE_MAX = 1 << 14;

export interface BootParams {
  /** Size of kernel memory in bytes (default 256 MiB). */
  memBytes?: number;
  /** Possible CPUs (nr_cpu_ids). */
  nrCpus: number;
  /** Bytes reserved for boot-time allocations; the page allocator gets the rest. */
  memblockBytes?: number;
  /** Sockets (= NUMA nodes) and SMT threads per core of the possible CPUs (default 1 and 1: topology.ts). */
  sockets?: number;
  threadsPerCore?: number;
  lockStat?: boolean;
}

export const DEFAULT_MEM_BYTES = 256 * 1024 * 1024;

/** Boot memory: fixed tables, per-CPU areas, and 16 bytes of struct page per page. */
function defaultMemblockBytes(memBytes: number, nrCpus: number): number {
  return alignUp(4 * 1024 * 1024 + nrCpus * 64 * 1024 + memBytes / 256, PAGE_SIZE);
}

interface Symtab {
  symbols: Record<string, number>;
  lockClasses: string[];
}

/**
 * Work whose cost the virtual engine charges from its cost profile. On the
 * threads engine the real work already costs real time, so charging is a
 * no-op there.
 */
export type CostKind =
  | 'atomic' // an uncontended atomic RMW on a local line
  | 'bitmapWord' // scanning one 32-bit word of an allocation bitmap
  | 'pageAlloc' // taking one page (block) from the page allocator
  | 'pageFree' // giving one page (block) back to the page allocator
  | 'pagePopulate' // mapping one freshly allocated page into a percpu unit
  | 'zeroByte' // zeroing (or copying) one byte of memory this CPU streams through
  | 'objectInit' // constructing one object (ctor / mm_init's field stores)
  | 'pcpuAllocCall' // pcpu_alloc's fixed work outside the bitmap search and the locks
  | 'freePercpuCall' // free_percpu's fixed work outside the bitmap and the lock
  | 'memcgCharge' // charging percpu bytes to the task's memory cgroup
  | 'memcgUncharge' // giving that charge back
  | 'footprintByte' // one byte of the work phase's own memory written (Cpu.touchPrivate streams it)
  // The exec path (mm/exec): each kind is one occurrence of the step it names.
  | 'syscall' // system call entry and exit
  | 'pageFault' // page-fault exception entry and exit
  | 'anonFault' // do_anonymous_page besides the page itself
  | 'anonVmaPrepare' // the anon_vma and its chain on a VMA's first anonymous fault
  | 'cowFault' // do_cow_fault / wp_page_copy besides the page and the copy
  | 'fileFault' // do_read_fault and filemap_map_pages' set-up
  | 'filePte' // one page-cache page mapped by fault-around
  | 'pteZap' // one present PTE zapped and its gather entry dropped
  | 'userPageByte' // one byte of a user page zeroed or copied
  | 'pgtablePage' // a page-table page's constructor, accounting and later destructor
  | 'vmaCreate' // a VMA allocated and stored in the mm
  | 'vmaDestroy' // a VMA removed and freed
  | 'iMmapTreeLevel' // one level of an i_mmap interval-tree insert or removal
  | 'lruFolio' // one folio onto or off an LRU list under lru_lock
  | 'listOp' // one list_add / list_del under a lock
  | 'slabObject' // a slab object allocated and freed that the model does not keep
  | 'pathComponent' // one component of an RCU path walk
  | 'fileOpen' // a file opened and finally put, besides its walk
  | 'kernelRead' // kernel_read of a header from the page cache
  | 'creds' // prepare_exec_creds, commit_creds and the old credentials' RCU free
  | 'mmCidExec' // sched_mm_cid_before_execve or _after_execve
  | 'schedExec' // sched_exec of a task pinned to its CPU
  | 'cr3Switch' // activate_mm: the CR3 load of the new mm
  | 'userInstruction'; // one user-space instruction of the new image

export interface Cpu {
  /** smp_processor_id() */
  readonly id: number;
  /** nr_cpu_ids: every possible CPU has a percpu unit. */
  readonly nrPossible: number;
  readonly kernel: Kernel;
  /** Monotonic time in nanoseconds (real or virtual). */
  now(): number;
  /** Do `ns` of work outside the modelled allocators. */
  spend(ns: number): void;
  /** Charge modelled work (virtual engine); no-op on real threads. */
  cost(kind: CostKind, units: number): void;
  /**
   * A loop over CPUs 0..n-1 (for_each_possible_cpu / for_each_online_cpu)
   * that touches [page + off, page + off + bytes) of each CPU's percpu unit,
   * CPU u's page being at kernel address i32[pages + u]. The virtual engine
   * prices each iteration and each cache line by who holds it (this CPU,
   * another CPU of the same core, socket or the other socket, or memory on
   * the unit's node), the misses of the loop overlapping; real threads pay
   * what the host pays, so it is a no-op there. Called once per loop, after
   * the model's own loop did the accesses.
   */
  touchUnits(pages: number, off: number, bytes: number, n: number): void;
  /**
   * A single access to this CPU's own slot of a percpu area (this_cpu_add,
   * the mm_cid slot): priced like touchUnits' lines, but alone, so a miss is
   * not overlapped with others. No-op on real threads.
   */
  touchOwn(addr: number, bytes: number): void;
  /**
   * An atomic read-modify-write (or lock word) on a line every CPU may
   * write: a refcount, a reader count, a page counter. The model does the
   * atomic itself; the virtual engine prices the line by who wrote it last
   * (a transfer from that CPU, or memory on the boot node), alone like
   * touchOwn. No-op on real threads, whose atomics contend for real.
   */
  touchShared(addr: number, bytes: number): void;
  /**
   * The running process writes `bytes` of its own user memory, one store per
   * cache line: memory no other CPU sees, which pushes the kernel's lines out
   * of this CPU's caches (exec's page zeroing, page-table pages, the code it
   * runs). Real threads write a private buffer of that size; the virtual
   * engine prices the bytes as streamed and ages this CPU's cached lines.
   */
  touchPrivate(bytes: number): void;
  /**
   * True when the engine does not run model work for its time but charges
   * it from a price list (the virtual engine); false when work costs what
   * doing it costs (real threads). Where it is true, model code may leave
   * out stores whose only effect is their time — a memset whose bytes the
   * caller overwrites before anything reads them — as long as it still
   * charges them.
   */
  readonly pricesWork: boolean;
  /** Uniform integer in [lo, hi], from this CPU's seeded generator. */
  randInt(lo: number, hi: number): number;
  /** Uniform float in [0, 1). */
  random(): number;
}

export interface Lock {
  readonly addr: number;
  readonly classId: number;
  lock(cpu: Cpu): void;
  /** Take the lock only if free; never waits. */
  trylock(cpu: Cpu): boolean;
  unlock(cpu: Cpu): void;
  /** CPU holding the lock, or -1. */
  owner(): number;
  /** lockdep_assert_held(): throw unless `cpu` holds it. */
  assertHeld(cpu: Cpu): void;
}

/** Builds lock objects for lock words in kernel memory; one per engine. */
export interface LockOps {
  mutex(kernel: Kernel, addr: number): Lock;
  spinLock(kernel: Kernel, addr: number): Lock;
}

export class Kernel {
  readonly mem: KernelMemory;
  readonly nrCpus: number;
  private readonly symbols: Map<string, number>;
  private readonly lockClasses: string[];
  private booting: boolean;
  private ops: LockOps | undefined;
  private readonly lockCache = new Map<number, Lock>();

  private constructor(mem: KernelMemory, symtab: Symtab, booting: boolean) {
    this.mem = mem;
    this.nrCpus = Header.nrCpus.get(mem, 0);
    this.symbols = new Map(Object.entries(symtab.symbols));
    this.lockClasses = symtab.lockClasses;
    this.booting = booting;
  }

  /** Create kernel memory and start boot (main thread). Finish with publish(). */
  static boot(params: BootParams): Kernel {
    const memBytes = params.memBytes ?? DEFAULT_MEM_BYTES;
    const { nrCpus } = params;
    if (!Number.isInteger(nrCpus) || nrCpus < 1 || nrCpus > 4096) {
      throw new BootError(`nrCpus must be an integer in 1..4096, got ${nrCpus}`);
    }
    const memblockBytes = params.memblockBytes ?? defaultMemblockBytes(memBytes, nrCpus);
    if (memBytes % PAGE_SIZE !== 0 || memBytes > 2 ** 31 - PAGE_SIZE) {
      throw new BootError(`kernel memory must be a multiple of ${PAGE_SIZE} bytes and below 2 GiB, got ${memBytes}`);
    }
    if (memblockBytes + SYMTAB_BYTES + 16 * PAGE_SIZE > memBytes) {
      throw new BootError(`kernel memory of ${memBytes} bytes is too small for ${nrCpus} CPUs`);
    }
    const mem = new KernelMemory(new SharedArrayBuffer(memBytes));
    Header.magic.set(mem, 0, KERNEL_MAGIC);
    Header.layoutVersion.set(mem, 0, LAYOUT_VERSION);
    Header.nrCpus.set(mem, 0, nrCpus);
    Header.pageShift.set(mem, 0, PAGE_SHIFT);
    Header.symtabAddr.set(mem, 0, Header.size);
    Header.symtabBytes.set(mem, 0, 0);
    Header.memblockNext.set(mem, 0, alignUp(Header.size + SYMTAB_BYTES, CACHE_LINE));
    Header.memblockEnd.set(mem, 0, memblockBytes);
    Header.lockStatEnabled.set(mem, 0, params.lockStat === false ? 0 : 1);
    return new Kernel(mem, { symbols: {}, lockClasses: [] }, true);
  }

  /** Attach to kernel memory booted elsewhere (a CPU worker). */
  static attach(sab: SharedArrayBuffer): Kernel {
    const mem = new KernelMemory(sab);
    if (Header.magic.get(mem, 0) !== KERNEL_MAGIC || Header.layoutVersion.get(mem, 0) !== LAYOUT_VERSION) {
      throw new BootError('shared buffer does not hold a percpu-lab kernel of this layout version');
    }
    const addr = Header.symtabAddr.get(mem, 0);
    const bytes = Header.symtabBytes.get(mem, 0);
    if (bytes === 0) throw new BootError('kernel memory was not published: boot did not finish');
    const json = new TextDecoder().decode(mem.u8.slice(addr, addr + bytes));
    return new Kernel(mem, JSON.parse(json) as Symtab, false);
  }

  get isBooting(): boolean {
    return this.booting;
  }

  get lockStatEnabled(): boolean {
    return Header.lockStatEnabled.get(this.mem, 0) !== 0;
  }

  /** Boot-time allocation of static kernel state (zeroed, never freed). */
  memblockAlloc(bytes: number, align = CACHE_LINE): number {
    this.assertBooting('memblockAlloc');
    const addr = alignUp(Header.memblockNext.get(this.mem, 0), align);
    const end = addr + bytes;
    if (end > Header.memblockEnd.get(this.mem, 0)) {
      throw new BootError(`boot memory exhausted allocating ${bytes} bytes; raise memblockBytes`);
    }
    Header.memblockNext.set(this.mem, 0, end);
    return addr;
  }

  /** Where boot allocations end: the page allocator manages memory after this. */
  get memblockEnd(): number {
    return Header.memblockEnd.get(this.mem, 0);
  }

  defineSymbol(name: string, addr: number): void {
    this.assertBooting('defineSymbol');
    if (this.symbols.has(name)) throw new BootError(`symbol ${name} defined twice`);
    this.symbols.set(name, addr);
  }

  symbol(name: string): number {
    const addr = this.symbols.get(name);
    if (addr === undefined) throw new BootError(`kernel symbol ${name} is not defined; was its subsystem booted?`);
    return addr;
  }

  hasSymbol(name: string): boolean {
    return this.symbols.has(name);
  }

  /** Register (at boot) or look up a lock class by its kernel name. */
  lockClass(name: string): number {
    const id = this.lockClasses.indexOf(name);
    if (id >= 0) return id;
    this.assertBooting(`lockClass(${name})`);
    if (this.lockClasses.length >= MAX_LOCK_CLASSES) throw new BootError('too many lock classes');
    this.lockClasses.push(name);
    Header.nrLockClasses.set(this.mem, 0, this.lockClasses.length);
    return this.lockClasses.length - 1;
  }

  lockClassName(id: number): string {
    return this.lockClasses[id] ?? `class#${id}`;
  }

  get nrLockClasses(): number {
    return this.lockClasses.length;
  }

  /** End of boot: write the symbol table so workers can attach. */
  publish(): void {
    this.assertBooting('publish');
    const bytes = new TextEncoder().encode(
      JSON.stringify({ symbols: Object.fromEntries(this.symbols), lockClasses: this.lockClasses } satisfies Symtab),
    );
    if (bytes.length > SYMTAB_BYTES) throw new BootError('symbol table too large');
    const addr = Header.symtabAddr.get(this.mem, 0);
    this.mem.u8.set(bytes, addr);
    Header.symtabBytes.set(this.mem, 0, bytes.length);
    this.booting = false;
  }

  /** The engine decides how locks behave (real Atomics or virtual time). */
  setLockOps(ops: LockOps): void {
    this.ops = ops;
    this.lockCache.clear();
  }

  /** The lock object for a lock word at `addr` (static or inside an object). */
  lockAt(addr: number): Lock {
    let l = this.lockCache.get(addr);
    // Objects are freed and their memory reused, possibly for another lock.
    if (l !== undefined && l.classId === LockWord.classId.get(this.mem, addr)) return l;
    if (this.lockCache.size >= LOCK_CACHE_MAX) this.lockCache.clear();
    if (this.ops === undefined) throw new BootError('no lock implementation: the engine must call setLockOps()');
    const kind = LockWord.kind.get(this.mem, addr);
    if (kind === LockKind.Mutex) l = this.ops.mutex(this, addr);
    else if (kind === LockKind.SpinLock) l = this.ops.spinLock(this, addr);
    else throw new BootError(`no initialised lock at address ${addr}`);
    this.lockCache.set(addr, l);
    return l;
  }

  /** A static lock defined at boot with defineLock(). */
  lock(name: string): Lock {
    return this.lockAt(this.symbol(`lock:${name}`));
  }

  /** Ask every CPU to stop at its next check (watchdog, crash, deadline). */
  requestStop(reason: number): void {
    Header.stop.store(this.mem, 0, reason);
  }

  stopRequested(): number {
    return Header.stop.load(this.mem, 0);
  }

  private assertBooting(what: string): void {
    if (!this.booting) throw new BootError(`${what} is only allowed during boot`);
  }
}
