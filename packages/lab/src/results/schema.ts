// The result schema: what `percpu-lab run` writes as JSON (and prints with
// --json), the same for both engines. Scripts, sweeps and the regression
// gate read it, so fields are only ever added; a change that renames or
// removes one bumps SCHEMA_VERSION.
//
// Units: times in ns (…Ns), throughput in operations (mm lifetimes, or
// replayed allocations) per second of wall-clock or virtual time.
//
// Parts of a point that an engine measures and the result records as they
// are (status, failure, checks, time split, warm-up, disturbance) are
// declared here once; the engine's raw point (engine/engine.ts) uses them.
import type { SplitPart } from '../cost-model/index.js';
import type { EngineName, Scenario } from '../scenario/schema.js';
import type { WorkloadTally } from '../workloads/tally.js';
import type { PercpuView } from '../metrics/percpu.js';
import type { SlabView } from '../metrics/slab.js';
import type { StrategySource } from '../strategies/file.js';
import type { VirtualSpeed } from '../engine/virtual/speed.js';
import type { Spread } from '../stats/median.js';
import type { Interval } from '../stats/interval.js';

export const SCHEMA_NAME = 'percpu-lab/result';
/** 2: scenario.cpusPerSocket gave way to machineCpus, sockets and threadsPerCore; points gained machine and timeSplit. */
export const SCHEMA_VERSION = 2;

export interface LatencySummary {
  count: number;
  meanNs: number;
  p50Ns: number;
  p90Ns: number;
  p99Ns: number;
  p999Ns: number;
  maxNs: number;
}

/** One lock class over a point's measured window, lock_stat semantics (times in ns). */
export interface LockResult {
  /** From the lock word of a static lock; null for classes of locks embedded in objects. */
  kind: 'mutex' | 'spinlock' | null;
  acquisitions: number;
  contentions: number;
  waitTotalNs: number;
  holdTotalNs: number;
  conBounces: number;
  acqBounces: number;
  waitMinNs: number;
  waitMaxNs: number;
  holdMinNs: number;
  holdMaxNs: number;
  /** waitTotalNs over the CPU time of the window (Σ CPUs' elapsed): the share of CPU time spent waiting. */
  waitShare: number;
  /** Acquisitions whose hold was timed; below `acquisitions` when hold times were sampled (see ResultPoint.holdSampling). */
  holdSampled: number;
  /** 95 % bound on holdTotalNs's relative sampling error: 0 when exact, null with too few timed holds. */
  holdTotalErr95: number | null;
}

export interface CpuResult {
  cpu: number;
  lifetimes: number;
  elapsedNs: number;
  throughput: number;
  latency: Record<string, LatencySummary>;
}

/** The emulated machine a point ran on; `cpus` of its CPUs were busy. */
export interface MachineTopology {
  /** Possible (= online) CPUs: every loop over CPUs walks all of them. */
  cpus: number;
  sockets: number;
  threadsPerCore: number;
}

export interface ResultPoint {
  workload: string;
  engine: EngineName;
  strategy: string;
  /** Busy CPUs, one process (or replay stream) each. */
  cpus: number;
  /** With --repeats: the round (0-based) this repeat of the point ran in; absent for a single run. */
  repeat?: number;
  machine: MachineTopology;
  status: PointStatus;
  failure: PointFailure | null;
  /** Operations completed in the measured window, all CPUs. */
  lifetimes: number;
  /** The longest CPU window (ns). */
  elapsedNs: number;
  /** Σ over CPUs of lifetimes / window: the aggregate rate, as per-process benchmarks sum processes. */
  throughput: number;
  /** throughput / the same strategy's 1-CPU throughput in this result (of the same round), or null without a 1-CPU point. */
  speedup: number | null;
  /** speedup / cpus. */
  efficiency: number | null;
  perCpu: CpuResult[];
  /** Merged over CPUs, by operation name (mmAlloc, mmdrop, or pcpuAlloc, freePercpu). */
  latency: Record<string, LatencySummary>;
  locks: Record<string, LockResult>;
  percpu: PercpuView;
  slab: SlabView[];
  /** The strategy's file when it was loaded by path (--strategy ./file.js) and its sha256; null for a built-in. */
  strategySource: StrategySource | null;
  tally: WorkloadTally;
  checks: PointChecks;
  /** Emulated CPUs per host core when above 1, else 0. */
  oversubscribed: number;
  /** Where each operation's time went (virtual engine); null on the threads engine. */
  timeSplit: LifetimeSplit | null;
  engineInfo: Record<string, string | number | null>;
  // Issue 11 (threads engine measurement quality). Absent in older results.
  /** How hold times were sampled, or null when every hold was timed (see LockResult.holdTotalErr95). */
  holdSampling?: string | null;
  /** Threads engine: the warm-up actually run. */
  warmup?: WarmupUsed;
  /** Threads engine: how much the host disturbed the measured window; null where it cannot be measured. */
  disturbance?: HostDisturbance | null;
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

/**
 * Where an operation's (an mm lifetime's) time went, in ns per operation,
 * over every CPU of a point (the parts are described in
 * cost-model/parts.ts). The parts and the waits add up to the CPU
 * time of the window divided by the operations completed.
 */
export type LifetimeSplit = { [P in SplitPart]: number } & {
  /** Lock class name → ns waited per operation; classes with no wait are left out. */
  wait: Record<string, number>;
};

/** The warm-up a threads point ran: its minimum, then windows until steady (engine/threads/warmup.ts). */
export interface WarmupUsed {
  minOps: number;
  windowMs: number;
  /** Settled = the last steadyWindows window rates within ±tolerance of their mean. */
  steadyWindows: number;
  tolerance: number;
  limitMs: number;
  /** Per CPU, in CPU order: warm-up operations and milliseconds actually run. */
  ops: number[];
  ms: number[];
  /** Every CPU settled before the limit; false = the point never settled. */
  settled: boolean;
  /** CPU 0's window rates (ops/s, run-queue delay left out): the JIT's warm-up curve. */
  windowRates: number[];
}

/** What the host took from a threads point's measured window (engine/threads/disturbance.ts). */
export interface HostDisturbance {
  /** Largest share of a CPU's window spent runnable but waiting for a host core. */
  runQueueShare: number;
  /** The share oversubscription alone explains. */
  expectedShare: number;
  /** Involuntary context switches of the CPU threads, summed. */
  involuntarySwitches: number;
  /** Σ over CPUs of window ops / (window − run-queue delay): the throughput with the host's preemption taken out. */
  onCoreThroughput: number;
  loadAvg1: number;
  /** The regression gate skips disturbed points. */
  disturbed: boolean;
  rule: string;
}

export interface WorkNsUsed {
  value: number;
  derived: boolean;
  /** The measured figures behind a derived value (ns), null when given. */
  percpuPathNs: number | null;
  lifetimeNs: number | null;
  cycleNs: number | null;
  derivation: string[];
}

export interface HostInfo {
  cores: number;
  node: string;
  platform: string;
  arch: string;
  cpuModel: string;
  /** Virtual engine: how fast this host simulated each point (engine/virtual/speed.ts). */
  virtualSpeed?: VirtualSpeed[];
}

export interface RunResult {
  schema: typeof SCHEMA_NAME;
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: 'percpu-lab'; version: string };
  createdAt: string;
  host: HostInfo;
  engine: EngineName;
  seed: number;
  scenario: Scenario;
  /** Work per mm cycle actually used, and how it was chosen (null for workloads without one). */
  workNs: WorkNsUsed | null;
  /** Bytes the work phase wrote per mm cycle besides workNs (null for workloads without one). */
  workFootprint: number | null;
  /** True when any point ran more CPUs than the host has cores. */
  oversubscribed: boolean;
  /** The line every output prints when oversubscribed, else ''. */
  oversubscription: string;
  /** 'partial' when any point failed or points are missing; such a result is never complete. */
  status: PointStatus;
  /** status === 'partial', as a flag for scripts. */
  partial: boolean;
  failure: (PointFailure & { point: string }) | null;
  /** One point per repeat (ResultPoint.repeat says which round, with --repeats). */
  points: ResultPoint[];
  /**
   * Per workload, engine, strategy and CPU count, over the repeats that
   * completed: median throughput with its 95 % interval, speedup with its
   * interval, lock medians (results/summary.ts). Absent in older results.
   */
  summary?: SummaryRow[];
  /** How the summary's intervals are made. */
  intervalMethod?: string;
}

/** One lock class of one point, as lock_stat counts it (times in ns). */
export type LockNumbers = Pick<
  LockResult,
  'acquisitions' | 'contentions' | 'waitTotalNs' | 'holdTotalNs' | 'conBounces' | 'acqBounces'
> & {
  /** Wait time over the CPU time of the measured window. */
  waitShare: number;
};

// The summary rows of result.json (and of a sweep's summary.json), one per
// workload, engine, strategy and CPU count, made by sweep/aggregate.ts.
export type SummaryLock = LockNumbers & {
  /** 95 % interval of the median waitShare over the repeats counted; null with too few. */
  waitShareCi: Interval | null;
};

export interface SummaryRow {
  workload: string;
  engine: string;
  strategy: string;
  /** The strategy's file and sha256 when loaded by path, else null. */
  strategySource: StrategySource | null;
  cpus: number;
  repeats: number;
  throughput: Spread;
  /** Each repeat counted (disturbed ones left out): its throughput and, when known, its round. */
  repeatThroughputs: { round: number | null; value: number }[];
  /** 95 % interval of the median throughput; null with fewer repeats counted than an interval needs. */
  throughputCi: Interval | null;
  /** Spread wider than the sweep's noise threshold. */
  noisy: boolean;
  lifetimes: number;
  /**
   * Throughput over the series' smallest CPU count: the median of the
   * round-by-round ratios where rounds are known, else the ratio of medians.
   */
  speedup: number;
  /** 95 % interval of the speedup (round by round); null at the series' start or without enough paired rounds. */
  speedupCi: Interval | null;
  /** Speedup per CPU added: speedup / (cpus / smallest cpus). */
  efficiency: number;
  locks: Record<string, SummaryLock>;
  percpu: { bytesInUse: number; bytesParked: number } | null;
  /** Median of each part over the repeats, or null without a split (threads engine). */
  timeSplit: LifetimeSplit | null;
  machine: MachineTopology | null;
  /** Every repeat was disturbed by the host (threads engine); otherwise the figures leave disturbed repeats out. */
  disturbed: boolean;
}
