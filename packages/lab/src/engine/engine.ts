// The contract between a run and an engine. An engine measures one point —
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
import type { LockClassStats } from '@percpu-lab/machine';
import type { PcpuGeometry, PcpuStats } from '@percpu-lab/percpu';
import type { EngineName, FaultInject, WorkloadName } from '../scenario/schema.js';
import type { SlabView } from '../metrics/slab.js';
import type { WorkloadTally } from '../workloads/tally.js';
import type { HostDisturbance, WarmupUsed } from '../results/schema.js';

export type { EngineName };

/** Knobs of the workload, resolved (no "derive later" left). */
export interface WorkloadKnobs {
  /** Exec-like work per mm cycle (ns); 0 for workloads without one. */
  workNs: number;
  /** Bytes of its own memory the work phase writes per mm cycle (workloads/mm-cycle.ts); 0 for workloads without one. */
  workFootprint: number;
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

/**
 * Where an operation's (an mm lifetime's) time went, in ns per operation,
 * over every CPU of a point (the parts are described in
 * engine/virtual/time-split.ts). The parts and the waits add up to the CPU
 * time of the window divided by the operations completed.
 */
export interface LifetimeSplit {
  work: number;
  percpu: number;
  loops: number;
  transfers: number;
  other: number;
  /** Lock class name → ns waited per operation; classes with no wait are left out. */
  wait: Record<string, number>;
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

export type PointStatus = 'complete' | 'partial';

/** How a point failed; `kind` is the error class name (CpuCrashed, WatchdogTimeout, …). */
export interface PointFailure {
  kind: string;
  message: string;
}

/** Outcome of one post-run check; a partial run skips checks that need a settled kernel. */
export interface CheckResult {
  status: 'passed' | 'failed' | 'skipped';
  detail: string;
}

/** The checks every point gets after its run. */
export interface PointChecks {
  /** Percpu verify(): every allocator invariant recomputed from scratch. */
  verify: CheckResult;
  /** No rss count lost: every mm allocated was dropped (check_mm passed) and every page mapped was unmapped. */
  rss: CheckResult;
  /** No percpu memory leaked: after the programs finished and every CPU drained its caches, the live allocations are the boot-time ones. */
  leak: CheckResult;
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

/** The engine asked for is not built into this installation. */
export class EngineUnavailable extends Error {
  override name = 'EngineUnavailable';
}

/** Load an engine by name; the virtual engine lives in its own module tree. */
export async function getEngine(name: EngineName): Promise<Engine> {
  if (name === 'threads') return (await import('./threads/index.js')).threadsEngine;
  const url = new URL('./virtual/index.js', import.meta.url).href;
  let mod: { virtualEngine?: Engine };
  try {
    mod = (await import(url)) as { virtualEngine?: Engine };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
    mod = {};
  }
  if (mod.virtualEngine === undefined) throw new EngineUnavailable('the virtual engine is not built into this tree; use --engine threads');
  return mod.virtualEngine;
}
