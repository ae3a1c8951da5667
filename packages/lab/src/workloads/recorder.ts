// Per-CPU latency recording: one HDR histogram per timed operation (ns),
// kept in the CPU's own heap — never in kernel memory — so recording adds no
// shared cache line. Histograms travel to the main thread compressed and are
// merged there (metrics/latency.ts).
import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { newTally, type WorkloadTally } from './tally.js';

function histogram(): Histogram {
  return build({ numberOfSignificantValueDigits: 3, useWebAssembly: false });
}

export class CpuRecorder {
  readonly tally: WorkloadTally = newTally();
  private hists: Histogram[];

  constructor(readonly names: readonly string[]) {
    this.hists = names.map(histogram);
  }

  /** Record one operation `which` (index into names) that took `ns`. */
  record(which: number, ns: number): void {
    this.hists[which]!.recordValue(ns < 1 ? 1 : Math.round(ns));
  }

  /** End of warm-up: latency counts only the measured window (the tally keeps counting). */
  resetLatency(): void {
    this.hists = this.names.map(histogram);
  }

  snapshot(): Record<string, string> {
    return Object.fromEntries(this.names.map((n, i) => [n, encodeIntoCompressedBase64(this.hists[i]!)]));
  }
}
