// Where the benchmark's CPU time goes, from `perf record -e cpu-clock -g`
// samples: the share of samples whose call chain passes through each
// group of kernel functions the lab models (inclusive, as `perf report
// --children` counts them; a sample counts once per group however often
// the group appears in its chain). Groups overlap — exit_mmap contains
// release_pages — so shares do not add up.
import type { PerfSample } from './perf-script.js';

export interface SymbolGroup {
  name: string;
  match(symbol: string): boolean;
}

const exact = (...names: string[]) => (s: string) => names.includes(s);

/** The functions, in the order of an mm's life. */
export const SYMBOL_GROUPS: readonly SymbolGroup[] = [
  { name: 'pcpu_alloc*', match: (s) => s.startsWith('pcpu_alloc') },
  { name: 'free_percpu', match: exact('free_percpu') },
  { name: '__percpu_counter_init_many', match: exact('__percpu_counter_init_many') },
  { name: 'percpu_counter_destroy_many', match: exact('percpu_counter_destroy_many') },
  { name: 'mm_init_cid/mm_init', match: exact('mm_init_cid', 'mm_init') },
  { name: 'check_mm/__mmdrop', match: exact('check_mm', '__mmdrop') },
  { name: 'pgd_alloc/pgd_free', match: exact('pgd_alloc', 'pgd_free') },
  { name: 'exit_mmap', match: exact('exit_mmap') },
  // On recent kernels (6.18 here) release_pages wraps folios_put_refs, which exit_mmap's batches
  // (free_pages_and_swap_cache) call directly: release_pages alone would read 0.
  { name: 'release_pages/folios_put_refs', match: exact('release_pages', 'folios_put_refs') },
];

/** The percpu allocator's own path: what the lab's `percpu` part and its two locks price. */
export const PERCPU_PATH: SymbolGroup = {
  name: 'percpu path (pcpu_alloc* + free_percpu)',
  match: (s) => s.startsWith('pcpu_alloc') || s === 'free_percpu',
};

/**
 * Paravirtual entry points (PVM's pvm_*, KVM's kvm_*, Xen's xen_*, Hyper-V's
 * hv_*, the paravirt_* ops): on a VM, the time in them is what the
 * hypervisor adds, which the lab does not model.
 */
export const HYPERVISOR: SymbolGroup = {
  name: 'paravirt (pvm_*, kvm_*, xen_*, hv_*, paravirt_*)',
  match: (s) => /^(pvm_|kvm_|xen_|hv_|paravirt_|__paravirt_)/.test(s),
};

export interface CpuShares {
  /** cpu-clock samples of the benchmark's processes. */
  samples: number;
  /** Group name → share of those samples (0..1). */
  shares: Record<string, number>;
  percpuPath: number;
  hypervisor: number;
}

export function cpuShares(samples: readonly PerfSample[], event = 'cpu-clock'): CpuShares {
  const groups = [...SYMBOL_GROUPS, PERCPU_PATH, HYPERVISOR];
  const hits = new Map<string, number>(groups.map((g) => [g.name, 0]));
  let n = 0;
  for (const s of samples) {
    if (s.event !== event) continue;
    n++;
    for (const g of groups) if (s.frames.some((f) => g.match(f.symbol))) hits.set(g.name, hits.get(g.name)! + 1);
  }
  const share = (g: SymbolGroup) => (n === 0 ? 0 : hits.get(g.name)! / n);
  return {
    samples: n,
    shares: Object.fromEntries(SYMBOL_GROUPS.map((g) => [g.name, share(g)])),
    percpuPath: share(PERCPU_PATH),
    hypervisor: share(HYPERVISOR),
  };
}
