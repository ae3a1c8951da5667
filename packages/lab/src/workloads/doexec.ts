// doexec: the benchmark kernel developers quote for mm_struct percpu costs —
// one process per CPU, each calling exec in a loop; throughput in execs/s.
// Every exec allocates a fresh mm, runs briefly, and drops it, all on the
// same CPU, so the only sharing between CPUs is in the allocators' global
// locks. With --work-ns 0 nothing but the allocators runs: pure allocator
// stress. The default work per cycle is derived from a measurement, see
// work-ns.ts.
import { MM_CYCLE_LATENCIES, MmCycle } from './mm-cycle.js';
import type { Workload } from './types.js';

export const doexec: Workload = {
  name: 'doexec',
  description: 'one process per CPU exec-ing in a loop: mm_alloc, exec-like work, rss updates, mmdrop on the same CPU',
  latencyNames: MM_CYCLE_LATENCIES,
  program: (env) => new MmCycle(env),
};
