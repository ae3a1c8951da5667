// The one place numbers become text, for every report the lab prints or
// writes (terminal tables, report.txt and report.html, the check's
// markdown) and for the benchmarks: SI-prefixed counts and rates, times in
// perf's auto-scaled units, percentages, byte sizes and plain figures.
// A value that is not a finite number prints as "–". d3-format does the
// SI prefixes, picking the prefix after rounding.
import { formatLocale } from 'd3-format';

// d3's default locale writes negatives with U+2212; the reports use ASCII.
const d3 = formatLocale({ decimal: '.', thousands: ',', grouping: [3], currency: ['', ''], minus: '-' });
const prefixed = d3.format('.3s');
const significant = d3.format('.3r');

const NONE = '–';

/**
 * Three significant figures with an SI prefix (k, M, G) from 1000 up:
 * 999 600 is "1.00M" (never "1.00e+3k"), 812 345 is "812k"; integers below
 * 1000 print as they are.
 */
export function si(n: number): string {
  if (!Number.isFinite(n)) return NONE;
  if (Math.abs(Number(n.toPrecision(3))) < 1000) return Number.isInteger(n) ? String(n) : significant(n);
  return prefixed(n);
}

/** ns → "812 ns", "4.21 us", "1.30 ms", "2.05 s", as `perf lock contention` prints times. */
export function autoTime(ns: number): string {
  if (!Number.isFinite(ns)) return NONE;
  if (ns < 1e3) return `${Math.round(ns)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toFixed(2)} us`;
  if (ns < 1e9) return `${(ns / 1e6).toFixed(2)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

/** A share as a percentage: 0.1234 → "12.3%". */
export function percent(x: number, digits = 1): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : NONE;
}

/** A change as a signed percentage: 0.05 → "+5.0%". */
export function signedPercent(x: number): string {
  return Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : NONE;
}

export function bytes(n: number): string {
  if (!Number.isFinite(n)) return NONE;
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(2)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} B`;
}

/** A measured figure without a unit prefix: whole from 100 up, else three significant figures (1234, 12.3, 0.0123). */
export function figure(n: number): string {
  if (!Number.isFinite(n)) return NONE;
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3);
}
