// The exec path around the mm life cycle (fs/exec.c, fs/binfmt_elf.c and the
// mm code it runs): see exec.ts.
export { BINARY_IMAGES, BINARY_KINDS, type BinaryImage, type BinaryKind, type FileSpec, type VmaSpec } from './image.js';
export { Exec, execBoot, execBootBytes } from './exec.js';
export { ExecShared } from './shared-lines.js';
export { Lru, LRU_LOCK, MM_LIST_LOCK, PAGEVEC_SIZE } from './lru.js';
export { I_MMAP_RWSEM, Mapping, UNLINK_BATCH } from './mapping.js';
export { MemcgCharge, MEMCG_CHARGE_BATCH, MEMCG_DEPTH } from './memcg.js';
export { PageTables } from './pgtable.js';
export { Vma, Vmas } from './vma.js';
