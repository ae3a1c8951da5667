// Latency percentiles from the per-CPU HDR histograms: each CPU's own
// summary, and all CPUs merged (the distribution a reader of "p99 mmAlloc"
// means). Histograms arrive compressed from the workers.
import { build, decodeFromCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { LatencySummary } from '../results/schema.js';

export function summarize(h: Histogram): LatencySummary {
  if (h.totalCount === 0) return { count: 0, meanNs: 0, p50Ns: 0, p90Ns: 0, p99Ns: 0, p999Ns: 0, maxNs: 0 };
  return {
    count: h.totalCount,
    meanNs: Math.round(h.mean),
    p50Ns: h.getValueAtPercentile(50),
    p90Ns: h.getValueAtPercentile(90),
    p99Ns: h.getValueAtPercentile(99),
    p999Ns: h.getValueAtPercentile(99.9),
    maxNs: h.maxValue,
  };
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
