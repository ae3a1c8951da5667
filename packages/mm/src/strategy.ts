// The strategy contract the engines and reports are written against, and the
// registry. A strategy is one module that calls registerStrategy() (see
// strategies/); nothing else needs to change for it to appear everywhere.
import type { Cpu, Kernel } from '@percpu-lab/machine';
import { StrategyExists, UnknownStrategy } from './errors.js';
import type { Arch } from './pgd.js';

export interface MmOptions {
  /** x86 keeps every pgd on pgd_list under pgd_lock; generic has no list (default x86). */
  arch?: Arch;
  /** pcpu-cache: areas moved per refill or drain (default 16). */
  pcpuCacheBatch?: number;
}

export interface MmOps {
  /** mm_alloc(): a new mm_struct address, 0 on failure. */
  mmAlloc(cpu: Cpu): number;
  /** mmdrop(): the last reference frees the mm (__mmdrop, with check_mm). */
  mmdrop(cpu: Cpu, mm: number): void;
  /** add_mm_counter(); member is MM_FILEPAGES … MM_SHMEMPAGES. */
  addMmCounter(cpu: Cpu, mm: number, member: number, value: number): void;
  /** get_mm_counter_sum(): exact. */
  getMmCounterSum(cpu: Cpu, mm: number, member: number): number;
  /** mm_init_cid(): every possible CPU's mm_cid slot reset (exec_mmap does it again on the new mm). */
  mmInitCid(cpu: Cpu, mm: number): void;
  mmCidGet(cpu: Cpu, mm: number): number;
  mmCidPut(cpu: Cpu, mm: number): void;
  /** A second (third, …) thread starts using the mm. */
  mmAddThread(cpu: Cpu, mm: number): void;
  /** Percpu memory (bytes, all units) held by caches rather than by live mms. */
  parkedPercpuBytes(): number;
  /**
   * Give back what this CPU's caches hold (its active mm slab, empty mm
   * slabs, its object-cache stacks) so the allocators can be verified.
   * Call on every CPU at the end of a run.
   */
  drainCaches?(cpu: Cpu): void;
}

export interface MmStrategy {
  readonly name: string;
  readonly description: string;
  /** The proposal or kernel state this models. */
  readonly proposal: string;
  /** Main thread, after pcpuBoot: caches, locks, symbols. */
  boot(kernel: Kernel, opts: MmOptions): void;
  /** Per CPU/worker, after Kernel.attach and setLockOps. */
  attach(kernel: Kernel, opts: MmOptions): MmOps;
}

const registry = new Map<string, MmStrategy>();

export function registerStrategy(s: MmStrategy): void {
  if (registry.has(s.name)) throw new StrategyExists(`an mm strategy named ${s.name} is already registered; pick another name`);
  registry.set(s.name, s);
}

export function getStrategy(name: string): MmStrategy {
  const s = registry.get(name);
  if (s === undefined) {
    throw new UnknownStrategy(`no mm strategy named "${name}"; known: ${[...registry.keys()].join(', ')}`);
  }
  return s;
}

/** Every registered strategy, in registration order. */
export function listStrategies(): MmStrategy[] {
  return [...registry.values()];
}
