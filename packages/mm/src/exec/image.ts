// The binaries doexec runs, as data: the files they map, the VMAs an exec
// and the start-up of the new image create, the faults the image takes in
// each of them, its system calls and its user-space instructions.
//
// Counts are from one exec cycle of a self-exec'ing test program (doexec:
// main() execs argv[0] again until a counter runs out) on x86-64, measured
// with perf tracepoints and strace on a 6.18 kernel and read against the
// 6.12 code (the notes the profile cites: kmem, exceptions, filemap,
// mmap_lock tracepoints; /proc/self/maps and RssFile/RssAnon just before
// the next exec), and user instructions counted natively by single-stepping
// one cycle under gdb with a 40-variable environment (glibc 2.36 checks each
// variable against its tunables: ~500 instructions a variable):
//  - static: glibc 2.36 `gcc -static` (ET_EXEC at 0x400000, four PT_LOAD
//    segments with -z separate-code): 14 system calls, 13 file read faults
//    mapping 163 PTEs with fault-around, 5 copy-on-write and 9 zero-fill
//    anonymous faults (14 anonymous folios), 10 VMAs, 33 902 user
//    instructions;
//  - dynamic: the same program as a glibc PIE: ld.so, libc.so.6 and
//    ld.so.cache mapped too, 29 system calls, 31 file read faults mapping
//    333 PTEs, 8 copy-on-write and 17 zero-fill faults (25 folios), 20 VMAs
//    at exit, 110 416 user instructions.
// Every process runs its own copy of the program (doexec as kernel
// developers run it: "statically linked separate binaries"), so the main
// binary's mapping is private to its CPU; ld.so, libc and the cache are one
// file for every process.
//
// i_mmap_rwsem acquisitions per VMA (`mapOps`), from the 6.12 code: a
// segment mapped into free space is one vma_link_file; an ET_DYN object's
// first segment is mapped at its total size and the tail unmapped at once
// (elf_map: the map, the split and the unmap, three); libc's reservation is
// overlaid by MAP_FIXED file mappings, each splitting and unlinking (the 13
// of libc's four VMAs); ld.so.cache is mapped, read and unmapped again
// within the cycle (`transient`). A RELRO mprotect splits its VMA in one
// vma_prepare section (`relro`). At exit each file's contiguous VMAs leave
// its tree in one unlink_file_vma batch.

/** A file an image maps. */
export interface FileSpec {
  readonly name: string;
  readonly pages: number;
  /** One file for every process (a shared library), or each CPU's own copy. */
  readonly shared: boolean;
  /** Opened by execve itself (deny_write_access while it loads): the binary, and ld.so by load_elf_interp. */
  readonly execOpened?: boolean;
  /** Opened per cycle, by execve or the loader (its dentry and i_readcount change on open and final fput). */
  readonly opened: boolean;
}

/** Where the loader puts a VMA: the image's base, after the previous one, the brk heap, the stack, or top-down in the mmap area. */
export type Placement = 'image' | 'next' | 'heap' | 'stack' | 'mmap';

/** One VMA the exec or the start-up creates, and what the new image does in it. */
export interface VmaSpec {
  readonly name: string;
  /** Index in the image's files, or -1 for anonymous memory (special mappings: -2). */
  readonly file: number;
  readonly pgoff: number;
  readonly pages: number;
  readonly at: Placement;
  /** i_mmap_rwsem write sections while it is mapped (file VMAs). */
  readonly mapOps: number;
  /** mprotect(RELRO) splits it (one more VMA, one more i_mmap section). */
  readonly relro?: boolean;
  /** Unmapped again within the cycle (ld.so.cache). */
  readonly transient?: boolean;
  /** Created by the new image (brk, the loader's mmap), not by execve. */
  readonly runtime?: boolean;
  /** Read faults, each mapping up to 16 present page-cache pages around the fault. */
  readonly readFaults: number;
  /** PTEs those faults map in all (file pages). */
  readonly mappedPages: number;
  /** Write faults on private file pages: a new anonymous folio, the page copied. */
  readonly cowFaults: number;
  /** Anonymous zero-fill faults (new zeroed folios). */
  readonly zeroFaults: number;
}

export interface BinaryImage {
  readonly name: string;
  /** ET_EXEC at a fixed base, or ET_DYN (PIE) placed at a random base. */
  readonly fixedBase: boolean;
  readonly files: readonly FileSpec[];
  readonly vmas: readonly VmaSpec[];
  /** System calls per cycle, execve included. */
  readonly syscalls: number;
  /** Path components walked per cycle. */
  readonly pathComponents: number;
  /** kernel_read / read / pread64 of headers. */
  readonly headerReads: number;
  /** Slab objects per cycle besides the mm_struct and the VMAs the model allocates itself: names, bprm, filp, cred, anon_vma(_chain), vma_lock, maple nodes. */
  readonly slabObjects: number;
  /** User-space instructions from _start to the next execve. */
  readonly userInstructions: number;
}

const STATIC_DOEXEC: FileSpec = { name: 'doexec', pages: 166, shared: false, execOpened: true, opened: true };

/** The glibc static build: 10 VMAs, 6 i_mmap_rwsem sections on the private binary. */
const staticImage: BinaryImage = {
  name: 'static',
  fixedBase: true,
  files: [STATIC_DOEXEC],
  vmas: [
    { name: 'ELF header segment', file: 0, pgoff: 0, pages: 1, at: 'image', mapOps: 1, readFaults: 1, mappedPages: 1, cowFaults: 0, zeroFaults: 0 },
    { name: 'text', file: 0, pgoff: 1, pages: 120, at: 'next', mapOps: 1, readFaults: 8, mappedPages: 120, cowFaults: 0, zeroFaults: 0 },
    { name: 'rodata', file: 0, pgoff: 121, pages: 39, at: 'next', mapOps: 1, readFaults: 3, mappedPages: 36, cowFaults: 0, zeroFaults: 0 },
    { name: 'data', file: 0, pgoff: 160, pages: 6, at: 'next', mapOps: 1, relro: true, readFaults: 1, mappedPages: 5, cowFaults: 5, zeroFaults: 0 },
    { name: 'bss', file: -1, pgoff: 0, pages: 5, at: 'next', mapOps: 0, readFaults: 0, mappedPages: 0, cowFaults: 0, zeroFaults: 3 },
    { name: 'heap', file: -1, pgoff: 0, pages: 34, at: 'heap', runtime: true, mapOps: 0, readFaults: 0, mappedPages: 0, cowFaults: 0, zeroFaults: 3 },
    { name: 'vvar', file: -2, pgoff: 0, pages: 4, at: 'mmap', mapOps: 0, readFaults: 0, mappedPages: 0, cowFaults: 0, zeroFaults: 0 },
    { name: 'vdso', file: -2, pgoff: 0, pages: 2, at: 'mmap', mapOps: 0, readFaults: 1, mappedPages: 1, cowFaults: 0, zeroFaults: 0 },
  ],
  syscalls: 14,
  pathComponents: 6,
  headerReads: 2,
  slabObjects: 33,
  userInstructions: 33_902,
};

/** The glibc PIE build: ld.so, libc.so.6 and ld.so.cache shared by every process. */
const dynamicImage: BinaryImage = {
  name: 'dynamic',
  fixedBase: false,
  files: [
    { name: 'doexec', pages: 5, shared: false, execOpened: true, opened: true },
    { name: 'ld-linux-x86-64.so.2', pages: 56, shared: true, execOpened: true, opened: true },
    { name: 'libc.so.6', pages: 480, shared: true, opened: true },
    { name: 'ld.so.cache', pages: 6, shared: true, opened: true },
  ],
  vmas: [
    { name: 'PIE header segment', file: 0, pgoff: 0, pages: 1, at: 'image', mapOps: 3, readFaults: 1, mappedPages: 1, cowFaults: 0, zeroFaults: 0 },
    { name: 'PIE text', file: 0, pgoff: 1, pages: 1, at: 'next', mapOps: 1, readFaults: 1, mappedPages: 1, cowFaults: 0, zeroFaults: 0 },
    { name: 'PIE rodata', file: 0, pgoff: 2, pages: 1, at: 'next', mapOps: 1, readFaults: 1, mappedPages: 1, cowFaults: 0, zeroFaults: 0 },
    { name: 'PIE data', file: 0, pgoff: 3, pages: 2, at: 'next', mapOps: 1, relro: true, readFaults: 1, mappedPages: 1, cowFaults: 1, zeroFaults: 0 },
    { name: 'PIE bss', file: -1, pgoff: 0, pages: 1, at: 'next', mapOps: 0, readFaults: 0, mappedPages: 0, cowFaults: 0, zeroFaults: 1 },
    { name: 'heap', file: -1, pgoff: 0, pages: 33, at: 'heap', runtime: true, mapOps: 0, readFaults: 0, mappedPages: 0, cowFaults: 0, zeroFaults: 5 },
    { name: 'vvar', file: -2, pgoff: 0, pages: 4, at: 'mmap', mapOps: 0, readFaults: 0, mappedPages: 0, cowFaults: 0, zeroFaults: 0 },
    { name: 'vdso', file: -2, pgoff: 0, pages: 2, at: 'mmap', mapOps: 0, readFaults: 1, mappedPages: 1, cowFaults: 0, zeroFaults: 0 },
    { name: 'ld.so header segment', file: 1, pgoff: 0, pages: 1, at: 'mmap', mapOps: 3, readFaults: 1, mappedPages: 1, cowFaults: 0, zeroFaults: 0 },
    { name: 'ld.so text', file: 1, pgoff: 1, pages: 38, at: 'next', mapOps: 1, readFaults: 4, mappedPages: 30, cowFaults: 0, zeroFaults: 0 },
    { name: 'ld.so rodata', file: 1, pgoff: 39, pages: 11, at: 'next', mapOps: 1, readFaults: 2, mappedPages: 8, cowFaults: 0, zeroFaults: 0 },
    { name: 'ld.so data', file: 1, pgoff: 50, pages: 3, at: 'next', mapOps: 1, relro: true, readFaults: 1, mappedPages: 1, cowFaults: 2, zeroFaults: 1 },
    { name: 'ld.so anon', runtime: true, file: -1, pgoff: 0, pages: 2, at: 'mmap', mapOps: 0, readFaults: 0, mappedPages: 0, cowFaults: 0, zeroFaults: 2 },
    { name: 'ld.so.cache', runtime: true, file: 3, pgoff: 0, pages: 6, at: 'mmap', mapOps: 1, transient: true, readFaults: 1, mappedPages: 3, cowFaults: 0, zeroFaults: 0 },
    { name: 'libc header segment', runtime: true, file: 2, pgoff: 0, pages: 40, at: 'mmap', mapOps: 4, readFaults: 2, mappedPages: 32, cowFaults: 0, zeroFaults: 0 },
    { name: 'libc text', runtime: true, file: 2, pgoff: 40, pages: 350, at: 'next', mapOps: 4, readFaults: 12, mappedPages: 220, cowFaults: 0, zeroFaults: 0 },
    { name: 'libc rodata', runtime: true, file: 2, pgoff: 390, pages: 84, at: 'next', mapOps: 3, readFaults: 2, mappedPages: 30, cowFaults: 0, zeroFaults: 0 },
    { name: 'libc data', runtime: true, file: 2, pgoff: 474, pages: 6, at: 'next', mapOps: 2, relro: true, readFaults: 1, mappedPages: 3, cowFaults: 5, zeroFaults: 0 },
    { name: 'libc bss', runtime: true, file: -1, pgoff: 0, pages: 13, at: 'next', mapOps: 0, readFaults: 0, mappedPages: 0, cowFaults: 0, zeroFaults: 2 },
    { name: 'TLS and TCB', runtime: true, file: -1, pgoff: 0, pages: 3, at: 'mmap', mapOps: 0, readFaults: 0, mappedPages: 0, cowFaults: 0, zeroFaults: 3 },
  ],
  syscalls: 29,
  pathComponents: 12,
  headerReads: 8,
  slabObjects: 72,
  userInstructions: 110_416,
};

export const BINARY_IMAGES = { static: staticImage, dynamic: dynamicImage } as const;
export type BinaryKind = keyof typeof BINARY_IMAGES;
export const BINARY_KINDS = Object.keys(BINARY_IMAGES) as BinaryKind[];

