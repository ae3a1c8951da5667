// The numbers a sweep, its charts and the regression check read from one
// point of an engine result. Kept as a view (not a second result schema):
// resultPoints() is the one place that knows where the result JSON keeps them.
import type { LockResult } from '../results/schema.js';

/** One lock class of one point, as lock_stat counts it (times in ns). */
export type LockNumbers = Pick<
  LockResult,
  'acquisitions' | 'contentions' | 'waitTotalNs' | 'holdTotalNs' | 'conBounces' | 'acqBounces'
> & {
  /** Wait time over the CPU time of the measured window. */
  waitShare: number;
};

export interface PointView {
  workload: string;
  engine: string;
  strategy: string;
  cpus: number;
  /** mm lifetimes completed in the measured interval. */
  lifetimes: number;
  /** lifetimes per second (wall clock or virtual). */
  throughput: number;
  locks: Record<string, LockNumbers>;
  /** percpu memory at the end of the run, or null when the result does not report it. */
  percpu: { bytesInUse: number; bytesParked: number } | null;
  /** Threads engine: the host disturbed the measured window (ResultPoint.disturbance). */
  disturbed?: boolean;
}
