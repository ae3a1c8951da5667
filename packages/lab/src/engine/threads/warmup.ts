// Warm-up until steady, as JMH and criterion do it rather than for a fixed
// count: the first point on a new set of workers (pool.ts) finds V8
// compiling the model from cold, and a fixed short warm-up measured
// half-compiled code (2x off at --ops 5000); every point finds a freshly
// booted kernel whose caches, slabs and chunks fill as it runs. A CPU runs
// its minimum warm-up (--warmup ops), then windows of WINDOW_MS; it has
// settled once the last STEADY_WINDOWS window rates lie within ±TOLERANCE
// of their mean. A window's rate leaves out the time its thread waited for
// a host core (disturbance.ts), where the kernel reports it: on a shared
// host, wall-clock windows move with other jobs far more than with the JIT,
// and would never agree. All CPUs keep warming up, so the load stays what
// the window will see, until every one has settled or LIMIT_MS has passed
// since the warm-up began; a point whose CPUs did not all settle says so in
// its result.
//
// The decision is a pure function of the window rates (steady()), so it is
// tested without timing; the loop that feeds it lives in job.ts.

/** Length of one warm-up window. */
export const WINDOW_MS = 100;
/** Consecutive windows that must agree. */
export const STEADY_WINDOWS = 3;
/** How far (relative) each of those windows may be from their mean. */
export const TOLERANCE = 0.05;
/** Longest warm-up of a point, from its start barrier. */
export const LIMIT_MS = 3000;

/** The warm-up one CPU actually ran. */
export interface CpuWarmup {
  ops: number;
  ns: number;
  /** Rate of each window after the minimum warm-up (ops/s, run-queue delay left out). */
  windowRates: number[];
  settled: boolean;
}

/** The warm-up rule as recorded in a result. */
export const WARMUP_RULE = {
  windowMs: WINDOW_MS,
  steadyWindows: STEADY_WINDOWS,
  tolerance: TOLERANCE,
  limitMs: LIMIT_MS,
} as const;

/** True when the last STEADY_WINDOWS rates lie within ±TOLERANCE of their mean. */
export function steady(rates: readonly number[]): boolean {
  if (rates.length < STEADY_WINDOWS) return false;
  const last = rates.slice(-STEADY_WINDOWS);
  const mean = last.reduce((a, b) => a + b, 0) / last.length;
  return mean > 0 && last.every((r) => Math.abs(r / mean - 1) <= TOLERANCE);
}
