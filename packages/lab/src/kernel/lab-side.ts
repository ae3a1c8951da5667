// The lab's prediction for the machine the real benchmark ran on: the
// virtual engine runs doexec (strategy baseline: the kernel as it is) on
// the same topology — possible CPUs, sockets, threads per core — with the
// busy CPU counts of the real run.
//
// Only scaling is predicted. The work phase is chosen so that the lab's
// one-process cycle is as long as the measured one: the virtual engine
// first prices one cycle of the exec model (--binary static, work 0) on
// this topology, and the work phase is the measured one-process µs per
// exec minus that priced cycle. The exec model stays in (not --binary
// none) because the locks processes meet in exec — lru_lock,
// mm_list.lock, i_mmap_rwsem — belong to the prediction; the work phase
// is pure computation, private to each CPU, so it scales perfectly and
// adds no contention: whatever the lab predicts beyond linear comes from
// what it models. On a VM most of the difference it makes up is hypervisor
// time (hypercalls for page tables and interrupts), which in the real
// kernel does not scale the same way; the output says so. When the priced
// cycle is already longer than the measured one, the work is 0 and the
// lab's cycle is the longer one (the output gives both).
import { RunFailed } from '../cli/errors.js';
import { loadScenario } from '../scenario/load.js';
import { runScenario } from '../scenario/run.js';
import type { LifetimeSplit, ResultPoint } from '../results/schema.js';

export interface Topology {
  machineCpus: number;
  sockets: number;
  threadsPerCore: number;
}

export interface LabPoint {
  procs: number;
  execsPerSecond: number;
  usPerExec: number;
  speedup: number;
  /** Share of CPU time in the percpu path: the `percpu` part plus the waits on pcpu_alloc_mutex and pcpu_lock. */
  percpuShare: number;
  /** Lab lock class → share of CPU time spent waiting for it. */
  waitShares: Record<string, number>;
  timeSplit: LifetimeSplit | null;
}

export interface LabPrediction {
  strategy: 'baseline';
  topology: Topology;
  /** The exec model's priced one-process cycle on this topology, before any work phase (ns). */
  pricedCycleNs: number;
  /** The measured one-process cycle the work phase fills up to (ns). */
  measuredCycleNs: number;
  workNs: number;
  opsPerCpu: number;
  points: LabPoint[];
  /** The two virtual runs, as `percpu-lab run` takes their flags, and how long each took. */
  runs: { argv: string[]; status: number; seconds: number }[];
}

export const PERCPU_LOCKS = ['pcpu_alloc_mutex', 'pcpu_lock'] as const;

function flags(topology: Topology, cpus: readonly number[], workNs: number, ops: number): Record<string, string> {
  return {
    engine: 'virtual', workload: 'doexec', strategy: 'baseline', binary: 'static', cpus: cpus.join(','),
    'machine-cpus': String(topology.machineCpus), sockets: String(topology.sockets), 'threads-per-core': String(topology.threadsPerCore),
    'work-ns': String(workNs), ops: String(ops), warmup: String(ops),
  };
}

function asArgv(f: Record<string, string>): string[] {
  return ['run', ...Object.entries(f).flatMap(([k, v]) => [`--${k}`, v])];
}

async function run(f: Record<string, string>, runs: LabPrediction['runs']): Promise<ResultPoint[]> {
  const t0 = performance.now();
  const result = await runScenario(await loadScenario(f), { log: () => {} });
  if (result.partial) throw new RunFailed(`the virtual engine failed: ${result.failure?.message ?? 'partial result'}`);
  runs.push({ argv: ['percpu-lab', ...asArgv(f)], status: 0, seconds: (performance.now() - t0) / 1000 });
  return result.points;
}

function labPoint(p: ResultPoint, one: ResultPoint): LabPoint {
  const split = p.timeSplit;
  const lifetime = split === null ? NaN : Object.values(split).reduce<number>((s, v) => s + (typeof v === 'number' ? v : 0), 0) +
    Object.values(split.wait).reduce((s, v) => s + v, 0);
  const percpuNs = split === null ? NaN : split.percpu + PERCPU_LOCKS.reduce((s, l) => s + (split.wait[l] ?? 0), 0);
  return {
    procs: p.cpus,
    execsPerSecond: p.throughput,
    usPerExec: (1e6 * p.cpus) / p.throughput,
    speedup: p.throughput / one.throughput,
    percpuShare: percpuNs / lifetime,
    waitShares: Object.fromEntries(Object.entries(p.locks).filter(([, l]) => l.waitTotalNs > 0).map(([name, l]) => [name, l.waitShare])),
    timeSplit: split,
  };
}

/** The lab's points for `procs` (which include 1) on `topology`, its one-process cycle matched to `measuredCycleNs`. */
export async function labPrediction(topology: Topology, procs: readonly number[], measuredCycleNs: number, ops: number): Promise<LabPrediction> {
  const runs: LabPrediction['runs'] = [];
  const [priced] = await run(flags(topology, [1], 0, ops), runs);
  const pricedCycleNs = 1e9 / priced!.throughput;
  const workNs = Math.max(0, Math.round(measuredCycleNs - pricedCycleNs));
  const points = await run(flags(topology, procs, workNs, ops), runs);
  const one = points.find((p) => p.cpus === 1)!;
  return {
    strategy: 'baseline', topology, pricedCycleNs, measuredCycleNs, workNs, opsPerCpu: ops,
    points: points.map((p) => labPoint(p, one)), runs,
  };
}
