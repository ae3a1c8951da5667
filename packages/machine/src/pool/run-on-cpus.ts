// A run of one job on fresh CPU workers, torn down afterwards: for tests,
// demos and benchmarks that run one kernel. The threads engine keeps a
// CpuPool (cpu-pool.ts) instead, so its workers stay warm between points.
import { CpuPool } from './cpu-pool.js';
import type { RunOnCpusOptions } from './types.js';

/**
 * Run `job` once on each of CPUs 0..cpus-1, each on its own worker thread,
 * started together; resolve with the results indexed by CPU. One run at a
 * time per kernel: a run resets CPUs 0..cpus-1's control blocks.
 */
export async function runOnCpus<A, R>(opts: RunOnCpusOptions<A>): Promise<R[]> {
  const pool = new CpuPool();
  try {
    return (await pool.run<A, R>(opts)).results;
  } finally {
    await pool.destroy();
  }
}
