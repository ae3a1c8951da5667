// The default reorder window: how long before its line an allocation may
// have taken its area, taken from the trace's own timestamps.
//
// An alloc line is late by what pcpu_alloc does after it leaves pcpu_lock:
// population, zeroing every unit, the memcg hook, and any time the task
// spends preempted in between. The trace measures whole pcpu_alloc calls
// wherever one task logs two allocations back to back on one CPU (mm_init's
// mm_cid then its rss counters, a netdev's stats): the second call ran
// entirely between the two lines. Under load (and under emulation, where a
// vCPU can be descheduled mid-call) such gaps run to tens of milliseconds.
// The default window is the 99th percentile of those gaps: it covers the
// slow calls, while the top 1 % are pairs with other work between the two
// calls (seconds apart during boot), which would only widen the search.
//
// A line can be later than a whole slow call still: a task preempted (or
// its vCPU descheduled) between pcpu_alloc dropping its locks and its trace
// point logs when it runs again. So where nothing within the default window
// explains a placement, the search looks one decade further back
// (BEYOND_WINDOW) before it calls the placement a divergence. A window the
// user gives (--window) is a hard bound.
import type { PcpuEvent } from './events.js';

export interface ReorderWindow {
  seconds: number;
  /** Back-to-back allocation pairs it was measured on. */
  pairs: number;
}

/** Used when the trace has no back-to-back pair to measure (1 ms: a slow call under emulation). */
export const FALLBACK_WINDOW = 0.001;

/** Share of back-to-back gaps the default window covers. */
export const WINDOW_QUANTILE = 0.99;

/** How far beyond the default window the search looks, as a last resort (one decade, like its shift rounds). */
export const BEYOND_WINDOW = 10;

export function defaultWindow(events: PcpuEvent[]): ReorderWindow {
  const last = new Map<number, PcpuEvent>();
  const gaps: number[] = [];
  for (const e of events) {
    const prev = last.get(e.cpu);
    last.set(e.cpu, e);
    if (prev !== undefined && prev.kind === 'alloc' && e.kind === 'alloc' && prev.pid === e.pid) gaps.push(e.ts - prev.ts);
  }
  if (gaps.length === 0) return { seconds: FALLBACK_WINDOW, pairs: 0 };
  gaps.sort((a, b) => a - b);
  return { seconds: gaps[Math.min(gaps.length - 1, Math.floor(WINDOW_QUANTILE * gaps.length))]!, pairs: gaps.length };
}
