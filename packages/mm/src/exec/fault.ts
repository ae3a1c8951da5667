// The page faults of an exec cycle (mm/memory.c): read faults on file pages
// with fault-around (do_read_fault → filemap_map_pages), anonymous
// zero-fill faults (do_anonymous_page) and copy-on-write faults
// (do_cow_fault, wp_page_copy), and the rss counters they keep.
//
// Kept: a read fault maps up to 16 present page-cache pages around the
// address in one PTE page walk, each folio gaining a reference and a
// mapping; an anonymous fault takes a new page, zeroes or copies it (user
// memory this CPU writes, streamed through its caches), charges it to the
// memcg, puts it in this CPU's lru_add batch and counts it in
// MM_ANONPAGES; a copy replaces the file page its PTE mapped; a VMA's first
// anonymous fault sets up its anon_vma.
// Left out: the fault's own VMA lookup and locking (a single-threaded
// process takes them uncontended; priced in the fault kinds), huge pages,
// swap, userfaultfd.
import { PAGE_SIZE } from '@percpu-lab/machine';
import { MM_ANONPAGES, MM_FILEPAGES } from '../mm-struct.js';
import type { Mapping } from './mapping.js';
import type { ExecParts } from './parts.js';
import { PTE_ANON, PTE_PRESENT } from './pgtable.js';

export class Faults {
  /** Pages the mm has in its rss counters (file and anonymous): what add_mm_counter added and did not yet take back. */
  rssPages = 0;

  constructor(private readonly p: ExecParts) {}

  /** do_read_fault → filemap_map_pages: `n` page-cache pages of `mapping` from page `first` of the VMA at `start` (pgoff its first file page); false when a table page cannot be had. A null mapping is the vDSO. */
  fileFault(mm: number, start: number, first: number, n: number, mapping: Mapping | null, pgoff: number): boolean {
    const { cpu, tables, lines } = this.p;
    cpu.cost('pageFault', 1);
    cpu.cost('fileFault', 1);
    cpu.cost('filePte', n);
    const mapped = tables.pteRangeAlloc(cpu, mm, start + first * PAGE_SIZE, n, (pte, i) => {
      if (mapping === null) {
        // special_mapping_fault → vdso_fault maps the kernel's page.
        lines.vdso(1);
        tables.setPte(pte, lines.vdsoPage, false);
      } else tables.setPte(pte, mapping.folio(pgoff + first + i), false);
    });
    if (!mapped) return false;
    if (mapping !== null) mapping.mapPages(cpu, pgoff + first, n);
    this.addRss(mm, MM_FILEPAGES, n);
    return true;
  }

  /**
   * An anonymous folio at `va`: zero-filled (do_anonymous_page), or a copy
   * of the file page there (do_cow_fault, wp_page_copy); false when memory
   * ran out. `firstTouch`: the VMA's anon_vma is set up first.
   */
  anonFault(mm: number, va: number, firstTouch: boolean, cow: boolean): boolean {
    const { cpu, tables, pages, memcg, lru, files } = this.p;
    const pte = tables.pteAlloc(cpu, mm, va);
    if (pte === -1) return false;
    const addr = pages.allocPages(cpu, 0, false);
    if (addr === 0) return false;
    cpu.cost('pageFault', 1);
    cpu.cost(cow ? 'cowFault' : 'anonFault', 1);
    if (firstTouch) cpu.cost('anonVmaPrepare', 1);
    const old = tables.pteValue(pte);
    if (old !== 0) {
      // A present file page is replaced by its private copy.
      const target = old & ~(PTE_PRESENT | PTE_ANON);
      this.dropFilePage(target, files.find((f) => f.pageIndexOf(target) !== -1) ?? null);
      this.addRss(mm, MM_FILEPAGES, -1);
    }
    // clear_page or copy_page: user memory this CPU writes, streamed through its caches.
    cpu.cost('userPageByte', PAGE_SIZE);
    cpu.touchPrivate(PAGE_SIZE);
    memcg.chargeFolio(cpu);
    const folio = pages.pageOf(addr);
    tables.setPte(pte, folio, true);
    lru.folioAddLru(cpu, folio);
    this.addRss(mm, MM_ANONPAGES, 1);
    return true;
  }

  /** A zapped or replaced file PTE: the page-cache folio's mapping and reference dropped (the vDSO page's when no file). */
  dropFilePage(target: number, mapping: Mapping | null): void {
    if (mapping === null) this.p.lines.vdso(-1);
    else mapping.unmapPages(this.p.cpu, mapping.pageIndexOf(target), 1);
  }

  /** add_mm_counter(), and the program's own count of what the counters hold. */
  addRss(mm: number, member: number, pages: number): void {
    this.p.ops.addMmCounter(this.p.cpu, mm, member, pages);
    this.rssPages += pages;
  }
}
