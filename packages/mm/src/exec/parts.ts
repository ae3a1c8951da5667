// What one CPU's exec path is built from: the mm's operations, the page
// allocator and the page tables, VMAs, the LRU, the memcg, the shared lines,
// and the files its image maps (its own copies and the shared ones).
import type { Cpu, KernelMemory, PageAllocator } from '@percpu-lab/machine';
import type { MmOps } from '../strategy.js';
import type { Lru } from './lru.js';
import type { Mapping } from './mapping.js';
import type { MemcgCharge } from './memcg.js';
import type { PageTables } from './pgtable.js';
import type { SharedLines } from './shared-lines.js';
import type { Vmas } from './vma.js';

export interface ExecParts {
  readonly cpu: Cpu;
  readonly ops: MmOps;
  readonly m: KernelMemory;
  readonly pages: PageAllocator;
  readonly tables: PageTables;
  readonly vmas: Vmas;
  readonly lru: Lru;
  readonly memcg: MemcgCharge;
  readonly lines: SharedLines;
  /** The image's files, in its order. */
  readonly files: readonly Mapping[];
}
