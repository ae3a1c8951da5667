// What a workload counts on its CPU besides time: the bookkeeping behind the
// post-run checks (every mm allocated was dropped, every rss page mapped was
// unmapped) and the events a reader wants next to throughput. Counted over
// the whole run, warm-up included, because the checks balance whole runs.

export interface WorkloadTally {
  mmAllocs: number;
  mmDrops: number;
  /** mmAlloc returned 0 (out of memory); the cycle retried. */
  allocFailures: number;
  /** Pages added to rss counters by add_mm_counter, and taken back at exit. */
  rssMapped: number;
  rssUnmapped: number;
  /** Processes that gained a second thread (threads workload). */
  threadsAdded: number;
  /** mms dropped on this CPU that another CPU allocated (spawn-remote). */
  remoteDrops: number;
  /** spawn-remote: the parent's ring was full, so the child's mm was dropped locally. */
  handoffRingFull: number;
  /** replay-sizes: percpu allocations and frees, and allocations that failed. */
  pcpuAllocs: number;
  pcpuFrees: number;
  pcpuAllocFailures: number;
}

export function newTally(): WorkloadTally {
  return {
    mmAllocs: 0, mmDrops: 0, allocFailures: 0, rssMapped: 0, rssUnmapped: 0, threadsAdded: 0,
    remoteDrops: 0, handoffRingFull: 0, pcpuAllocs: 0, pcpuFrees: 0, pcpuAllocFailures: 0,
  };
}

/** Sum of every CPU's tally. */
export function sumTallies(tallies: readonly WorkloadTally[]): WorkloadTally {
  const t = newTally();
  for (const x of tallies) for (const k of Object.keys(t) as (keyof WorkloadTally)[]) t[k] += x[k];
  return t;
}
