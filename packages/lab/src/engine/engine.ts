// The contract between a run and an engine, types only (engine/load.ts
// loads an engine by name). An engine measures one point —
// one workload, one strategy, one CPU count — on a freshly booted kernel and
// hands back raw point data; one metrics module (metrics/point.ts) turns raw
// points from either engine into the result schema, so reports cannot tell
// the engines apart except by their numbers and the `engine` field.
//
// Both engines share the boot (boot.ts: bootPoint, attachPoint), the per-CPU
// setup (workloads/instantiate.ts: the program and its recorder) and the
// post-run collection (metrics/collect.ts: lock statistics, percpu and slab
// views, the checks); an engine only decides how CPUs run and how time
// passes. The life of a point on any engine:
//   boot → bootSnapshot → per CPU: instantiate, warm-up (then zero lock
//   statistics and the recorders' latency), measured window, end barrier →
//   parked percpu bytes read (all CPUs idle) → per CPU: program.finish() →
//   once every program finished, per CPU: mm.drainCaches(cpu),
//   runPendingWork(cpu) → collectPoint (whose leak check expects the drain).
import type { BinaryKind } from '@percpu-lab/mm';
import type { LockClassStats } from '@percpu-lab/machine';
import type { PcpuGeometry, PcpuStats } from '@percpu-lab/percpu';
import type { EngineName, FaultInject, WorkloadName } from '../scenario/schema.js';
import type { SlabView } from '../metrics/slab.js';
import type { WorkloadTally } from '../workloads/tally.js';
import type { HostDisturbance, LifetimeSplit, PointChecks, PointFailure, PointStatus, WarmupUsed } from '../results/schema.js';

/** Knobs of the workload, resolved (no "derive later" left). */
export interface WorkloadKnobs {
  /** Exec-like work per mm cycle (ns); 0 for workloads without one. */
  workNs: number;
  /** Bytes of its own memory the work phase writes per mm cycle (workloads/mm-cycle.ts); 0 for workloads without one. */
  workFootprint: number;
  /** The binary each process execs (the exec path around the mm, mm/src/exec), or null: the mm's own path only. */
  binary: BinaryKind | null;
  /** threads workload: chance that a process gains a second thread. */
  threadProb: number;
  /** replay-sizes workload: trace file path. */
  trace: string | null;
}

/** Everything that defines one point. Structured-cloneable: it crosses into workers. */
export interface PointSpec {
  engine: EngineName;
  workload: WorkloadName;
  strategy: string;
  cpus: number;
  /** Measured operations per CPU, or null when bounded by duration only. */
  opsPerCpu: number | null;
  /** Measured time per CPU (ns), or null when bounded by ops only. */
  durationNs: number | null;
  warmupOps: number;
  seed: number;
  memBytes: number;
  geometry: PcpuGeometry;
  knobs: WorkloadKnobs;
  /** No progress on any CPU for this long aborts the point with a diagnosis. */
  watchdogMs: number;
  /** Virtual engine only: the cost profile. */
  profile: string | null;
  /**
   * The machine: possible (= online) CPUs the kernel boots with, of which
   * `cpus` are busy; sockets and SMT threads per core price where cache lines
   * travel (virtual engine) and are recorded with every result.
   */
  machineCpus: number;
  sockets: number;
  threadsPerCore: number;
  fault: FaultInject | null;
}

/** What one CPU measured. */
export interface CpuRaw {
  cpu: number;
  /** Operations (mm lifetimes, or replayed allocations) completed in the measured window. */
  ops: number;
  /** This CPU's measured window (ns, wall clock or virtual). */
  elapsedNs: number;
  /** Latency histograms by operation name, hdr-histogram compressed base64 (ns). */
  latency: Record<string, string>;
  tally: WorkloadTally;
}

/** Raw data of one point, the same shape from every engine. */
export interface RawPoint {
  spec: PointSpec;
  /** Per CPU; null for a CPU that returned nothing (crashed, or stopped before reporting). */
  perCpu: (CpuRaw | null)[];
  status: PointStatus;
  failure: PointFailure | null;
  locks: LockClassStats[];
  /** Kind of each lock class that has a static lock (see metrics/locks.ts). */
  lockKinds: Record<string, 'mutex' | 'spinlock' | null>;
  percpu: PcpuStats;
  slab: SlabView[];
  parkedPercpuBytes: number;
  checks: PointChecks;
  /** Emulated CPUs per host core when above 1 (threads engine), else 0. */
  oversubscribed: number;
  /** Where each operation's time went; null when the engine cannot tell (threads). */
  timeSplit: LifetimeSplit | null;
  /** Engine-specific facts recorded with the point (cost profile, …). */
  engineInfo: Record<string, string | number | null>;
  /** Virtual engine: operations simulated (warm-up and window, every CPU) and the host wall-clock seconds that took. */
  simulation?: { ops: number; seconds: number };
  /** Threads engine: warm-up used and host disturbance. */
  warmup?: WarmupUsed;
  disturbance?: HostDisturbance | null;
}

/** How the default work-ns of an mm-cycle workload was derived, printed with the run. */
export interface WorkNsDerivation {
  workNs: number;
  /** P: the baseline's percpu path per mm lifetime on 1 CPU (ns). */
  percpuPathNs: number;
  /** L: a whole mm cycle with no work on 1 CPU (ns). */
  lifetimeNs: number;
  /** P / share: the cycle the work fills up to. */
  cycleNs: number;
  /** Human-readable derivation, one or more lines. */
  text: string[];
}

export interface Engine {
  readonly name: EngineName;
  /** Check engine-specific scenario fields before anything runs (bad profile → UsageError-like throw). */
  prepare(spec: PointSpec): Promise<void>;
  /** The doexec work-ns that makes the baseline's percpu path ≈ 4 % of a 1-CPU cycle on this engine. */
  deriveWorkNs(spec: PointSpec): Promise<WorkNsDerivation>;
  /** Run one point on a freshly booted kernel. A failed run resolves to a partial point; it does not throw. */
  runPoint(spec: PointSpec): Promise<RawPoint>;
}
