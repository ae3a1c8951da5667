// The built-in scenario `pnpm bench` and `percpu-lab bench` run: doexec
// with every strategy, on the CPU counts bench-plan.ts picks for the host
// (1, 2, 4, … up to its cores), twice — once with the derived default
// work per cycle (the realistic case, where the percpu path is ~4 % of a
// 1-CPU cycle, exec's default memory footprint) and once with --work-ns
// 2000 and no footprint (allocator-heavy, where the global percpu locks
// decide scaling). The allocator-heavy case gives the
// acceptance figures, so it runs in rounds and its speedups are medians:
// one 1-CPU point of a fresh worker can land ±25 % off another (V8 makes
// different optimisation choices per worker). Sized by duration so the
// whole bench, microbenchmarks included, stays within two minutes on a
// 2-core host; bench-plan.ts shortens the windows when there are more counts.
/** Seconds each point measures when the CPU counts are few. */
export const BENCH_POINT_SECONDS = 1;
/** Rounds of the allocator-heavy case; the acceptance speedups are their medians. */
export const ALLOCATOR_HEAVY_ROUNDS = 3;
/**
 * Warm-up lifetimes per CPU: enough calls, and enough time (a few hundred
 * ms), for V8 to finish optimising every path before the window opens. Its
 * optimising compiler runs on a background thread, which gets a core late
 * when every core runs a CPU worker: with a short warm-up, tier-up lands
 * inside the 2-CPU window only and speedups come out low (measured here:
 * the host check read 1.45x with 200 warm-up cycles, 1.9-2.0x with 2000).
 */
export const BENCH_WARMUP_OPS = 3000;
export const ALLOCATOR_HEAVY_WARMUP_OPS = 30_000;
export const ALLOCATOR_HEAVY_WORK_NS = 2000;

export interface BenchCase {
  title: string;
  /** Scenario fields on top of the defaults (strategies: all); the bench plan sets the cases' cpus and duration. */
  input: Record<string, unknown>;
  /** Times the whole case runs; speedups are reported per round and as medians. */
  rounds: number;
}

export const BENCH_CASES: readonly BenchCase[] = [
  {
    title: 'doexec, default work per cycle (percpu path ≈ 4 % of a 1-CPU cycle)',
    input: { workload: 'doexec', warmup: BENCH_WARMUP_OPS },
    rounds: 1,
  },
  {
    title: `doexec, allocator-heavy (--binary none --work-ns ${ALLOCATOR_HEAVY_WORK_NS} --work-footprint 0)`,
    input: {
      workload: 'doexec', warmup: ALLOCATOR_HEAVY_WARMUP_OPS, binary: 'none', workNs: ALLOCATOR_HEAVY_WORK_NS, workFootprint: 0,
    },
    rounds: ALLOCATOR_HEAVY_ROUNDS,
  },
];

/**
 * The host's own ceiling, measured before the cases: doexec whose cycle is
 * almost all local work (the allocators are ~3 % of it), on 1 and 2 CPUs.
 * Two workers doing local work should reach 2×; what they reach on this host
 * right now bounds every speedup the cases can show (a shared or busy VM
 * reaches less), so the acceptance figures are printed next to it.
 */
export const HOST_CHECK: BenchCase = {
  title: 'host check: 1 vs 2 CPUs of nearly pure local work',
  input: { workload: 'doexec', cpus: [1, 2], strategies: ['slab-dtor'], duration: 0.75, warmup: 2000, workNs: 200_000, binary: 'none' },
  rounds: 1,
};
