// Two cells the summary prints next to each threads point: the warm-up it
// actually ran (and whether it settled), and how much the host disturbed its
// measured window. Virtual points have neither.
import type { ResultPoint } from '../results/schema.js';
import { percent } from './units.js';

/** e.g. "0.62 s", "3.00 s NOT SETTLED", "off" (--warmup 0). */
export function warmupCell(p: ResultPoint): string {
  const w = p.warmup;
  if (w === undefined) return '-';
  if (w.minOps === 0) return 'off';
  const s = `${(Math.max(0, ...w.ms) / 1000).toFixed(2)} s`;
  return w.settled ? s : `${s} NOT SETTLED`;
}

/** e.g. "run queue 2% · load 0.4", "DISTURBED: run queue 73% · load 18.3". */
export function hostCell(p: ResultPoint): string {
  const d = p.disturbance;
  if (d === undefined) return '-';
  if (d === null) return 'not measured';
  const s = `run queue ${percent(d.runQueueShare, 0)} · load ${d.loadAvg1.toFixed(1)}`;
  return d.disturbed ? `DISTURBED: ${s}` : s;
}
