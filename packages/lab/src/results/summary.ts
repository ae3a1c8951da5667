// A run's figures per point, over its repeats: the median throughput with its
// 95 % interval, speedup (round by round) with its interval, lock medians —
// the same rows a sweep's summary holds (sweep/aggregate.ts), so a run with
// --repeats and a sweep of the same points read alike. Points that did not
// complete are left out.
import { summarise } from '../sweep/aggregate.js';
import { pointView } from '../sweep/result-adapter.js';
import { DEFAULT_NOISE_THRESHOLD } from '../sweep/spec.js';
import type { ResultPoint, SummaryRow } from './schema.js';

export function resultSummary(points: readonly ResultPoint[]): SummaryRow[] {
  return summarise(points.filter((p) => p.status === 'complete').map(pointView), DEFAULT_NOISE_THRESHOLD);
}
