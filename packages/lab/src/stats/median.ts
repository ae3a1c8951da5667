// How the lab summarises repeated measurements: the median, and the spread
// of the repeats around it. Sweeps, calibration, the work-ns derivation,
// the reports and the benchmarks all take their medians here, so an even
// number of repeats means the same thing everywhere (the mean of the two
// middle values). simple-statistics does the arithmetic.
import { max, median as medianOf, min } from 'simple-statistics';

/** The median; NaN when there is nothing to summarise. */
export function median(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : medianOf([...xs]);
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** (max − min) / median; 0 for a single repeat. */
  spread: number;
}

/** The median of the repeats, their range, and the range relative to the median. */
export function spreadOf(xs: readonly number[]): Spread {
  if (xs.length === 0) return { median: NaN, min: NaN, max: NaN, spread: NaN };
  const m = median(xs);
  const lo = min([...xs]);
  const hi = max([...xs]);
  return { median: m, min: lo, max: hi, spread: m > 0 ? (hi - lo) / m : 0 };
}
