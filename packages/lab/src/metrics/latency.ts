// Latency percentiles from the per-CPU HDR histograms: each CPU's own
// summary, and all CPUs merged (the distribution a reader of "p99 mmAlloc"
// means). Histograms arrive compressed from the workers.
import { build, decodeFromCompressedBase64, JsHistogram, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from '../results/schema.js';

const PERCENTILES = [50, 90, 99, 99.9] as const;

/**
 * The count getValueAtPercentile(p) walks to: hdr-histogram-js's own
 * rounding (up, minus one ulp of the product, at least 1).
 */
function countAtPercentile(p: number, total: number): number {
  const fp = (Math.min(p, 100) / 100) * total;
  return Math.max(Math.ceil(fp - Math.pow(2, Math.floor(Math.log2(fp)) - 52)), 1);
}

/**
 * Count, mean, p50/p90/p99/p99.9 and max: the values of hdr-histogram-js's
 * mean and getValueAtPercentile, in one walk over the counts instead of one
 * per figure (a 192-CPU point summarises 384 histograms). The mean is the
 * library's: the median equivalent value of every recorded bucket times its
 * count, integers summed exactly in any order. (JS histograms: the lab
 * never builds WebAssembly ones.)
 */
export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, meanNs: 0, p50Ns: 0, p90Ns: 0, p99Ns: 0, p999Ns: 0, maxNs: 0 };
  const js = h as JsHistogram;
  const total = js.totalCount;
  const wanted = PERCENTILES.map((p) => countAtPercentile(p, total));
  const at = [0, 0, 0, 0];
  let k = 0;
  let seen = 0;
  let sum = 0;
  for (let i = 0; i < js.countsArrayLength && seen < total; i++) {
    const c = js.getCountAtIndex(i);
    if (c === 0) continue;
    seen += c;
    const highest = js.highestEquivalentValue(js.valueFromIndex(i));
    sum += js.medianEquivalentValue(highest) * c;
    while (k < wanted.length && seen >= wanted[k]!) at[k++] = highest;
  }
  return { count: total, meanNs: Math.round(sum / total), p50Ns: at[0]!, p90Ns: at[1]!, p99Ns: at[2]!, p999Ns: at[3]!, maxNs: h.maxValue };
}

export function decode(encoded: string): Histogram {
  return decodeFromCompressedBase64(encoded, 32, false);
}

/** Per operation: every CPU's histogram added into one. */
export function mergeLatency(perCpu: readonly Record<string, string>[]): Record<string, LatencySummary> {
  const merged = new Map<string, Histogram>();
  for (const cpu of perCpu) {
    for (const [op, enc] of Object.entries(cpu)) {
      let h = merged.get(op);
      if (h === undefined) merged.set(op, (h = build({ numberOfSignificantValueDigits: 3, useWebAssembly: false })));
      h.add(decode(enc));
    }
  }
  return Object.fromEntries([...merged].map(([op, h]) => [op, summarize(h)]));
}

export function cpuLatency(encoded: Record<string, string>): Record<string, LatencySummary> {
  return Object.fromEntries(Object.entries(encoded).map(([op, enc]) => [op, summarize(decode(enc))]));
}
