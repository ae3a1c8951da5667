// An mm's user page tables: the four x86-64 levels below the pgd (PUD, PMD,
// PTE pages) for the user half of the address space (mm/memory.c
// __pud_alloc / __pmd_alloc / __pte_alloc, zap_pte_range, free_pgd_range,
// mm/mremap.c move_page_tables).
//
// Kept: every level is a real page from the page allocator, zeroed, with 512
// eight-byte entries; a missing level is allocated on the way down to a PTE
// (pXd_alloc), so how many table pages an exec builds follows from where
// its VMAs sit; a leaf entry points at what it maps (an anonymous folio's
// struct page, or a page-cache folio); zap clears the leaves of a range and
// hands back what they mapped; free_pgd_range frees the tables a range
// leaves empty; move_page_tables moves leaves to a new place. Each table
// page counts its present entries in its struct page (the kernel keeps such
// per-table state in struct ptdesc), so freeing needs no scan of the table.
// Left out: huge pages, the hardware bits (only present and anonymous are
// kept, in the low bits of the 16-byte-aligned target), split PTE locks
// (an mm's tables are touched only by its own single-threaded process).
// Pricing: a table page is allocated zeroed (pageAlloc, zeroByte) and pays
// pgtablePage for its ptdesc constructor and memcg kmem charge; setting and
// clearing leaves is priced by the fault and zap kinds that do it.
import { Page, PAGE_SIZE, PageAllocator, type Cpu, type Kernel, type KernelMemory } from '@percpu-lab/machine';
import { MmStruct } from '../mm-struct.js';

/** Leaf entry bits: present, and anonymous (the target is an anon folio's struct page). */
export const PTE_PRESENT = 1;
export const PTE_ANON = 2;
const ENTRIES = 512;
const PAGE_MASK = ~(PAGE_SIZE - 1);
/** The span one PTE page maps (a PMD entry's). */
const PMD_SPAN = 2 ** 21;

/** The index of `va` at `level` (0 pgd … 3 pte), from its 32-bit halves (user addresses are below 2^47). */
function index(va: number, level: number): number {
  const lo = va >>> 0;
  switch (level) {
    case 0: return (va / 2 ** 39) & (ENTRIES - 1);
    case 1: return (((va / 2 ** 32) << 2) | (lo >>> 30)) & (ENTRIES - 1);
    case 2: return (lo >>> 21) & (ENTRIES - 1);
    default: return (lo >>> 12) & (ENTRIES - 1);
  }
}

export class PageTables {
  private readonly m: KernelMemory;
  private readonly i32: Int32Array;
  /** The four tables on one address's path (pgd … pte page), reused by walks. */
  private readonly path = [0, 0, 0, 0];

  constructor(kernel: Kernel, private readonly pages: PageAllocator) {
    this.m = kernel.mem;
    this.i32 = kernel.mem.i32;
  }

  /** The i32 index of the PTE for `va`, allocating the missing levels; -1 when a table page cannot be had. */
  pteAlloc(cpu: Cpu, mm: number, va: number): number {
    let table = MmStruct.pgd.get(this.m, mm);
    for (let level = 0; level < 3; level++) {
      const e = entry(table, index(va, level));
      let next = this.i32[e]!;
      if (next === 0) {
        next = this.pages.allocPages(cpu, 0, true);
        if (next === 0) return -1;
        Page.next.set(this.m, this.pages.pageOf(next), 0);
        cpu.cost('pgtablePage', 1);
        this.setEntry(table, e, next | PTE_PRESENT, level > 0);
      }
      table = next & PAGE_MASK;
    }
    return entry(table, index(va, 3));
  }

  /**
   * The PTEs of `n` consecutive pages from `va`, in order, to `set(pte, i)`;
   * false when a table page cannot be had. Walks down once per PTE page.
   */
  pteRangeAlloc(cpu: Cpu, mm: number, va: number, n: number, set: (pte: number, i: number) => void): boolean {
    let pte = -1;
    for (let i = 0; i < n; i++) {
      const at = va + i * PAGE_SIZE;
      if (pte === -1 || index(at, 3) === 0) {
        pte = this.pteAlloc(cpu, mm, at);
        if (pte === -1) return false;
      } else pte += 2;
      set(pte, i);
    }
    return true;
  }

  /** Make `pte` (from pteAlloc) map `target`. */
  setPte(pte: number, target: number, anon: boolean): void {
    this.setEntry(((pte << 2) & PAGE_MASK), pte, target | PTE_PRESENT | (anon ? PTE_ANON : 0), true);
  }

  /** The entry at `pte` (0 when not present). */
  pteValue(pte: number): number {
    return this.i32[pte]!;
  }

  /**
   * zap_pte_range over [start, end): every present leaf is cleared and
   * passed to `unmap(target, anon)` in address order, one PTE page at a time.
   */
  zapRange(mm: number, start: number, end: number, unmap: (target: number, anon: boolean) => void): void {
    const i32 = this.i32;
    for (let va = start; va < end; ) {
      const next = Math.min(end, (Math.floor(va / PMD_SPAN) + 1) * PMD_SPAN);
      if (this.walk(mm, va)) {
        const table = this.path[3]!;
        let e = entry(table, index(va, 3));
        const last = e + 2 * ((next - va) / PAGE_SIZE);
        let cleared = 0;
        for (; e < last; e += 2) {
          const v = i32[e]!;
          if (v === 0) continue;
          i32[e] = 0;
          cleared++;
          unmap(v & ~(PTE_PRESENT | PTE_ANON), (v & PTE_ANON) !== 0);
        }
        this.addPresent(table, -cleared);
      }
      va = next;
    }
  }

  /**
   * move_page_tables(): the leaves of [from, from + len) to [to, to + len),
   * allocating the tables at the new place; false when a table page cannot
   * be had (what was not moved stays where it was).
   */
  movePageTables(cpu: Cpu, mm: number, from: number, to: number, len: number): boolean {
    for (let off = 0; off < len; off += PAGE_SIZE) {
      if (!this.walk(mm, from + off)) continue;
      const src = entry(this.path[3]!, index(from + off, 3));
      const v = this.i32[src]!;
      if (v === 0) continue;
      const srcTable = this.path[3]!;
      const dst = this.pteAlloc(cpu, mm, to + off);
      if (dst === -1) return false;
      this.setEntry(((dst << 2) & PAGE_MASK), dst, v, true);
      this.i32[src] = 0;
      this.addPresent(srcTable, -1);
    }
    return true;
  }

  /**
   * free_pgd_range() of [start, end): the PTE, PMD and PUD pages on its
   * path that it leaves without entries (the pgd stays the mm's).
   */
  freeRange(cpu: Cpu, mm: number, start: number, end: number): void {
    for (let va = Math.floor(start / PMD_SPAN) * PMD_SPAN; va < end; va += PMD_SPAN) {
      if (!this.walkTables(mm, va)) continue;
      for (let level = 3; level >= 1; level--) {
        const table = this.path[level]!;
        if (table === 0 || this.present(table) !== 0) break;
        const parent = this.path[level - 1]!;
        this.i32[entry(parent, index(va, level - 1))] = 0;
        if (level > 1) this.addPresent(parent, -1);
        this.pages.freePages(cpu, table, 0);
        this.path[level] = 0;
      }
    }
  }

  /** Page-table pages below the pgd (for checks): present entries counted down from the pgd's user half. */
  countTables(mm: number): number {
    const count = (table: number, level: number): number => {
      if (level === 3) return 1;
      let n = 1;
      for (let i = 0; i < (level === 0 ? ENTRIES / 2 : ENTRIES); i++) {
        const e = this.i32[entry(table, i)]!;
        if (e !== 0) n += count(e & PAGE_MASK, level + 1);
      }
      return n;
    };
    return count(MmStruct.pgd.get(this.m, mm), 0) - 1;
  }

  /** Fill `path` down to the PTE page of `va`; false when a level is missing. */
  private walk(mm: number, va: number): boolean {
    return this.walkTables(mm, va) && this.path[3] !== 0;
  }

  /** Fill `path` with the tables on `va`'s path, 0 below the first missing one; false when the PUD is missing. */
  private walkTables(mm: number, va: number): boolean {
    const path = this.path;
    path[0] = MmStruct.pgd.get(this.m, mm);
    for (let level = 0; level < 3; level++) {
      const next = path[level] === 0 ? 0 : this.i32[entry(path[level]!, index(va, level))]!;
      path[level + 1] = next & PAGE_MASK;
    }
    return path[1] !== 0;
  }

  /** Write an entry of `table` (at i32 index `e`), counting it present in a table below the pgd. */
  private setEntry(table: number, e: number, v: number, counted: boolean): void {
    if (counted && this.i32[e] === 0) this.addPresent(table, 1);
    this.i32[e] = v;
  }

  /** Present entries of a table page: kept in its struct page (free for the owner of an allocated page). */
  private present(table: number): number {
    return Page.next.get(this.m, this.pages.pageOf(table));
  }

  private addPresent(table: number, delta: number): void {
    if (delta === 0) return;
    const p = this.pages.pageOf(table);
    Page.next.set(this.m, p, Page.next.get(this.m, p) + delta);
  }
}

/** The i32 index of entry `i` of a table (the low word of the 8-byte entry). */
function entry(table: number, i: number): number {
  return (table >> 2) + 2 * i;
}
