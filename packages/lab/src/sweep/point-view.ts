// The numbers a sweep, its charts and the regression check read from one
// point of an engine result. Kept as a view (not a second result schema):
// resultPoints() is the one place that knows where the result JSON keeps them.
import type { LifetimeSplit, LockNumbers, MachineTopology } from '../results/schema.js';
import type { StrategySource } from '../strategies/file.js';

export interface PointView {
  workload: string;
  engine: string;
  strategy: string;
  /** File and sha256 of a strategy loaded by path; null for a built-in (and in results from before paths). */
  strategySource: StrategySource | null;
  cpus: number;
  /** mm lifetimes completed in the measured interval. */
  lifetimes: number;
  /** lifetimes per second (wall clock or virtual). */
  throughput: number;
  locks: Record<string, LockNumbers>;
  /** percpu memory at the end of the run, or null when the result does not report it. */
  percpu: { bytesInUse: number; bytesParked: number } | null;
  /** Where a lifetime's time went (virtual engine), or null. */
  timeSplit: LifetimeSplit | null;
  /** The machine the busy CPUs ran on; null in results older than schema 2. */
  machine: MachineTopology | null;
  /** Threads engine: the host disturbed the measured window (ResultPoint.disturbance). */
  disturbed?: boolean;
  /**
   * The round of interleaved repeats this point ran in (its repeat index), when
   * known: points of one round ran close together, so their ratios cancel the
   * host's slow drift (stats/interval.ts).
   */
  round?: number;
}

/** "192 (2 sockets, SMT 2)": how checks and reports name a machine; one socket and no SMT go unsaid. */
export function machineName(m: MachineTopology): string {
  const shape = [m.sockets > 1 ? `${m.sockets} sockets` : '', m.threadsPerCore > 1 ? `SMT ${m.threadsPerCore}` : ''].filter(Boolean);
  return shape.length === 0 ? `${m.cpus}` : `${m.cpus} (${shape.join(', ')})`;
}
