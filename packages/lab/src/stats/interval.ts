// Confidence intervals for threads-engine figures. A threads point is one
// sample from a spread between fresh instances, and that spread is neither
// normal nor symmetric on a shared host (the host only ever slows a point
// down), so the interval makes no assumption about its shape: it is the
// distribution-free interval of the median from order statistics. For n
// samples of any continuous distribution, the k-th smallest and k-th
// largest bracket the population median with probability
//   1 − 2 · P(Binomial(n, ½) ≤ k − 1),
// exactly (each sample falls below the median with probability ½). The
// widest k whose coverage is still at least the confidence asked for gives
// the interval, and its exact coverage is reported with it. Below
// MIN_SAMPLES no k reaches 95 % (five samples give 93.75 % at best): such a
// figure has no interval, and the regression check does not judge it.
//
// Ratios between points (speedup over the 1-CPU point, throughput against
// the reference strategy) are taken round by round: repeats are
// interleaved, so the two points of one round ran minutes apart at most and
// share the host's slow drift, which their ratio cancels. The interval of a
// ratio is the same interval over the per-round ratios.

import { median } from './median.js';

/** The confidence every threads figure is given at. */
export const CONFIDENCE = 0.95;

/** How intervals are made, as results and reports state it. */
export const INTERVAL_METHOD =
  'distribution-free 95 % confidence interval of the median (order statistics: k-th smallest to k-th largest of the repeats, ' +
  'coverage 1 - 2 P(Bin(n, 1/2) < k)); ratios round by round over interleaved repeats';

export interface Interval {
  /** The sample median: the figure itself. */
  median: number;
  lo: number;
  hi: number;
  /** Exact coverage of [lo, hi] for the population median (at least the confidence asked for). */
  level: number;
  /** Samples it was made from. */
  n: number;
}

/** P(X ≤ k) for X ~ Binomial(n, ½). */
function binomialHalfCdf(k: number, n: number): number {
  let term = 0.5 ** n; // P(X = 0)
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term *= (n - i) / (i + 1);
  }
  return sum;
}

/** Coverage of [k-th smallest, k-th largest] of n samples for the median (k ≥ 1, 2k ≤ n). */
export function orderStatisticCoverage(n: number, k: number): number {
  return 1 - 2 * binomialHalfCdf(k - 1, n);
}

/** The fewest samples that can give an interval at `confidence`. */
export function minSamples(confidence = CONFIDENCE): number {
  let n = 2;
  while (orderStatisticCoverage(n, 1) < confidence) n++;
  return n;
}

/** 6 at 95 %. */
export const MIN_SAMPLES = minSamples();

/** The median of `xs` with its interval, or null with too few samples for one. */
export function medianInterval(xs: readonly number[], confidence = CONFIDENCE): Interval | null {
  const n = xs.length;
  let k = 0;
  for (let j = 1; 2 * j <= n && orderStatisticCoverage(n, j) >= confidence; j++) k = j;
  if (k === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return { median: median(s), lo: s[k - 1]!, hi: s[n - k]!, level: orderStatisticCoverage(n, k), n };
}

/** One repeat's reading, with the round it was measured in (its repeat index). */
export interface RoundSample {
  round: number;
  value: number;
}

/** num / den for every round both were measured in, in round order. */
export function roundRatios(num: readonly RoundSample[], den: readonly RoundSample[]): number[] {
  const d = new Map(den.map((s) => [s.round, s.value]));
  return num
    .filter((s) => d.has(s.round) && d.get(s.round)! > 0)
    .sort((a, b) => a.round - b.round)
    .map((s) => s.value / d.get(s.round)!);
}

/** Half the interval's width relative to its median, the larger side: "±x". */
export function relativeHalfWidth(i: Interval): number {
  return Math.max(i.hi / i.median - 1, 1 - i.lo / i.median);
}
