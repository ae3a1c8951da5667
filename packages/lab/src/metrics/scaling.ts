// Speedup and efficiency: each point against the 1-CPU point of the same
// workload, engine and strategy in the same result — and, with repeats, of
// the same round. Without a 1-CPU point there is nothing honest to divide
// by, so both stay null.
import type { ResultPoint } from '../results/schema.js';

export function addScaling(points: ResultPoint[]): void {
  const key = (p: ResultPoint) => `${p.workload}/${p.engine}/${p.strategy}/${p.repeat ?? ''}`;
  const one = new Map<string, number>();
  for (const p of points) if (p.cpus === 1 && p.status === 'complete' && p.throughput > 0) one.set(key(p), p.throughput);
  for (const p of points) {
    const base = one.get(key(p));
    p.speedup = base === undefined || p.status !== 'complete' ? null : p.throughput / base;
    p.efficiency = p.speedup === null ? null : p.speedup / p.cpus;
  }
}
