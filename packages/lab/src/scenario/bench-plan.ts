// The size of the bench main job on this host. It measures 1, 2, 4, … CPUs
// up to the host's core count (that count included, at most the threads
// engine's 64), so a 16-core host shows where the global percpu locks stop
// scaling. More counts mean more points; to keep the job near three minutes
// on 16 cores, the measured window of each point shrinks so that all the
// windows together stay within a fixed budget (start-up and warm-up come on
// top). Only the first round of a case spans every count: later rounds,
// which exist for the medians of the 2-CPU self-check figures, repeat 1 and
// 2 CPUs only.
import { BENCH_POINT_SECONDS, type BenchCase } from './default.js';
import { MAX_THREADS_CPUS } from './schema.js';

/** Seconds all measured windows of the cases may add up to. */
export const BENCH_WINDOW_BUDGET_S = 60;
/** A window shorter than this holds too few lifetimes at high counts to be worth reporting. */
export const BENCH_MIN_POINT_SECONDS = 0.25;
/** What later rounds of a case repeat: the counts the self-check medians are taken at. */
export const LATER_ROUND_CPUS: readonly number[] = [1, 2];

/** 1, 2, 4, … below the host's cores, then the core count itself (capped at the threads engine's limit). */
export function benchCpuCounts(cores: number): number[] {
  const n = Math.max(1, Math.min(Math.floor(cores), MAX_THREADS_CPUS));
  const counts: number[] = [];
  for (let c = 1; c < n; c *= 2) counts.push(c);
  counts.push(n);
  return counts;
}

export interface PlannedCase extends BenchCase {
  /** CPU counts of the first round. */
  cpus: number[];
  /** CPU counts of rounds 2 and later (empty when `cpus` lacks 1 or 2, so those rounds have nothing to add). */
  laterCpus: number[];
  /** Seconds each point measures. */
  pointSeconds: number;
}

export interface BenchPlan {
  cases: PlannedCase[];
  /** Points the cases run in all. */
  points: number;
  pointSeconds: number;
  /** True when the window is shorter than BENCH_POINT_SECONDS to fit the budget. */
  scaledDown: boolean;
}

function pointsOf(c: BenchCase, cpus: readonly number[], laterCpus: readonly number[], strategies: number): number {
  return strategies * (cpus.length + (laterCpus.length === 0 ? 0 : (c.rounds - 1) * laterCpus.length));
}

/** A case that sets its own CPU counts and window (the host check), run once as written. */
export function fixedCase(c: BenchCase): PlannedCase {
  return { ...c, cpus: c.input['cpus'] as number[], laterCpus: [], pointSeconds: c.input['duration'] as number };
}

export function benchPlan(cases: readonly BenchCase[], cpus: readonly number[], strategies: number): BenchPlan {
  const laterCpus = LATER_ROUND_CPUS.every((c) => cpus.includes(c)) ? [...LATER_ROUND_CPUS] : [];
  const points = cases.reduce((n, c) => n + pointsOf(c, cpus, laterCpus, strategies), 0);
  const fit = Math.floor((BENCH_WINDOW_BUDGET_S / points) * 100) / 100;
  const pointSeconds = Math.max(BENCH_MIN_POINT_SECONDS, Math.min(BENCH_POINT_SECONDS, fit));
  return {
    cases: cases.map((c) => ({ ...c, cpus: [...cpus], laterCpus: c.rounds > 1 ? laterCpus : [], pointSeconds })),
    points,
    pointSeconds,
    scaledDown: pointSeconds < BENCH_POINT_SECONDS,
  };
}
