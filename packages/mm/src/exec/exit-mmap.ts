// exit_mmap() of an exec'd-away mm (mm/mmap.c, mm/memory.c unmap_vmas /
// free_pgtables, mm/mmu_gather.c tlb_finish_mmu, mm/vma.c remove_vma),
// and the rest of __mmput before the mm's last reference goes
// (lru_gen_del_mm, set_mm_exe_file(NULL)).
//
// Kept, in the kernel's order: lru_add_drain() of this CPU's batch (the
// image's anonymous folios reach the LRU under lru_lock); unmap_vmas into
// one mmu_gather, every present PTE zapped in address order (page-cache
// references dropped, anonymous folios gathered, the rss counters taken
// back per VMA); tlb_finish_mmu, whose folios_put_refs frees the anonymous
// folios in 31-entry chunks under lru_lock, then one memcg uncharge;
// free_pgtables, each file's contiguous VMAs leaving its i_mmap in batches
// of up to 8 under i_mmap_rwsem and the page tables freed; remove_vma of
// every VMA.
// Left out: the TLB flush (a pinned task's old mm is loaded on no other
// CPU, so flush_tlb_mm_range finds nobody to flush), mmu notifiers, khugepaged
// and ksm exits (never registered), the maple tree's destruction (priced in
// vmaDestroy).
import { MM_ANONPAGES, MM_FILEPAGES, MmStruct } from '../mm-struct.js';
import type { Faults } from './fault.js';
import { UNLINK_BATCH, type Mapping } from './mapping.js';
import type { ExecParts } from './parts.js';
import { Vma } from './vma.js';

export function exitMmap(p: ExecParts, faults: Faults, mm: number): void {
  const { cpu, m, lru, tables, vmas: vmaOps, memcg } = p;
  lru.lruAddDrain(cpu);
  const vmas = vmaOps.list(mm);
  const anon: number[] = [];
  const anonAt: number[] = [];
  let entries = 0;
  for (const vma of vmas) {
    const mapping = mappingOf(p, Vma.file.get(m, vma));
    const first = entries;
    let file = 0;
    tables.zapRange(mm, Vma.vmStart.get(m, vma), Vma.vmEnd.get(m, vma), (target, isAnon) => {
      if (isAnon) {
        anon.push(target);
        anonAt.push(entries);
      } else {
        faults.dropFilePage(target, mapping);
        file++;
      }
      entries++;
    });
    cpu.cost('pteZap', entries - first);
    if (file > 0) faults.addRss(mm, MM_FILEPAGES, -file);
  }
  if (anon.length > 0) faults.addRss(mm, MM_ANONPAGES, -anon.length);
  lru.foliosPutRefs(cpu, anon, anonAt, entries);
  memcg.unchargeFolios(cpu, anon.length);
  unlinkFileVmas(p, vmas);
  for (const vma of vmas) tables.freeRange(cpu, mm, Vma.vmStart.get(m, vma), Vma.vmEnd.get(m, vma));
  for (const vma of vmas) vmaOps.vmaDestroy(cpu, vma);
  lru.lruGenDelMm(cpu, MmStruct.lruGenList.addr(mm));
  // set_mm_exe_file(mm, NULL): allow_write_access on the binary.
  p.files[0]!.writeAccess(cpu, false);
}

/** free_pgtables' unlink_file_vma_batch: runs of VMAs of one file, up to UNLINK_BATCH per i_mmap_rwsem section. */
function unlinkFileVmas(p: ExecParts, vmas: readonly number[]): void {
  let batch: number[] = [];
  let batchFile = 0;
  const flush = () => {
    if (batch.length > 0) mappingOf(p, batchFile)!.unlinkFileVmaBatch(p.cpu, batch);
    batch = [];
  };
  for (const vma of vmas) {
    const file = Vma.file.get(p.m, vma);
    if (file === 0) continue;
    if (file !== batchFile || batch.length === UNLINK_BATCH) flush();
    batchFile = file;
    batch.push(vma);
  }
  flush();
}

/** The file a VMA maps (its address_space), or null for anonymous and special mappings. */
export function mappingOf(p: ExecParts, file: number): Mapping | null {
  return file === 0 ? null : p.files.find((f) => f.addr === file) ?? null;
}
