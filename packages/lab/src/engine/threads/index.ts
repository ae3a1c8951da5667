// The threads engine: each emulated CPU is a worker thread of the CPU pool,
// all attached to one kernel memory, contending on real Atomics locks in
// wall-clock time. This is what the lab exists for — real contention —
// so nothing here models time: a CPU's numbers are what its thread did.
//
// A point boots a fresh kernel on the main thread, runs the job module
// (job.ts) on cpus workers of the process's CPU pool (pool.ts: the workers
// stay warm from point to point), and collects the kernel's state
// afterwards on the main thread, which is idle while the CPUs run (it only
// supervises).
// A crash, deadlock or watchdog timeout resolves to a partial point
// carrying the pool's diagnosis; it is never reported as complete.
//
// The first point on a new set of workers is run twice and its first run
// thrown away: workers that have seen only one kernel run code V8 compiled
// against that kernel, and on the 2-core build host a quarter of such
// first points read 6–13 % faster than every later point on the same
// workers (README: threads-engine figures). Once the workers have run a
// second kernel, every measured point runs the same code.
import { atomicsLockOps, oversubscription, PoolError, RealCpu, spinCalibration } from '@percpu-lab/machine';
import { attachPoint, bootPoint } from '../../boot.js';
import { bootSnapshot, collectPoint } from '../../metrics/collect.js';
import { deriveWorkNs } from '../../workloads/work-ns.js';
import type { Engine, PointSpec, RawPoint } from '../engine.js';
import { parkedBytes, runControlInit } from './control.js';
import type { ThreadsCpuResult, ThreadsJobArgs } from './job.js';
import { strategySource } from '../../strategies/file.js';
import type { PointFailure, WarmupUsed } from '../../results/schema.js';
import { pointDisturbance } from './disturbance.js';
import { WARMUP_RULE, type CpuWarmup } from './warmup.js';
import { threadsPool } from './pool.js';

const JOB_MODULE = new URL('./job.js', import.meta.url).href;

async function runPoint(spec: PointSpec): Promise<RawPoint> {
  const first = await measurePoint(spec);
  const cold = first.engineInfo.workerWarmPoints === 0 && first.status === 'complete';
  return cold ? measurePoint(spec) : first;
}

async function measurePoint(spec: PointSpec): Promise<RawPoint> {
  const kernel = bootPoint(spec, runControlInit);
  kernel.setLockOps(atomicsLockOps);
  const boot = bootSnapshot(kernel);
  let results: (ThreadsCpuResult | undefined)[];
  let failure: PointFailure | null = null;
  let workers: Record<string, string | number> = {};
  try {
    const run = await threadsPool().run<ThreadsJobArgs, ThreadsCpuResult>({
      kernel,
      cpus: spec.cpus,
      job: { module: JOB_MODULE, args: { spec, strategyFile: strategySource(spec.strategy) } },
      seed: spec.seed,
      watchdogMs: spec.watchdogMs,
    });
    results = run.results;
    // Which workers ran the CPUs, on which host cores ('' when left to the scheduler), and how many points they had run before (0: cold).
    workers = {
      workerThreads: run.threadIds.join(','),
      workerCores: run.cores.every((c) => c !== null) ? run.cores.join(',') : '',
      workerWarmPoints: run.warmRuns,
      workerGeneration: run.generation,
    };
  } catch (e) {
    if (!(e instanceof PoolError)) throw e;
    results = e.results as (ThreadsCpuResult | undefined)[];
    failure = { kind: e.name, message: e.message };
  }
  const perCpu = Array.from({ length: spec.cpus }, (_, c) => results[c] ?? null);
  const stopped = perCpu.some((r) => r === null || r.stopped);
  const o = oversubscription(spec.cpus);
  const ran = perCpu.filter((r) => r !== null);
  return collectPoint(kernel, spec, {
    boot,
    parkedPercpuBytes: parkedBytes(kernel),
    perCpu,
    status: failure === null && !stopped ? 'complete' : 'partial',
    failure: failure ?? (stopped ? { kind: 'RunStopped', message: 'a CPU stopped before finishing its window' } : null),
    oversubscribed: o.oversubscribed ? o.factor : 0,
    timeSplit: null,
    engineInfo: { hostCores: o.hostCores, ...workers },
    warmup: warmupUsed(spec, ran.map((r) => r.warmup)),
    disturbance: pointDisturbance(ran.map((r) => r.disturbance), ran.map((r) => r.ops), spec.cpus, o.hostCores),
  });
}

function warmupUsed(spec: PointSpec, cpus: readonly CpuWarmup[]): WarmupUsed {
  return {
    minOps: spec.warmupOps,
    ...WARMUP_RULE,
    ops: cpus.map((w) => w.ops),
    ms: cpus.map((w) => w.ns / 1e6),
    settled: cpus.length === spec.cpus && cpus.every((w) => w.settled),
    windowRates: cpus[0]?.windowRates ?? [],
  };
}

export const threadsEngine: Engine = {
  name: 'threads',

  // Nothing engine-specific to check: the scenario rules already refuse virtual-only fields here.
  async prepare() {},

  async deriveWorkNs(spec) {
    // One CPU on the main thread: the same code, clock and locks a 1-CPU worker would use.
    const one: PointSpec = { ...spec, cpus: 1, strategy: 'baseline', workload: 'doexec', fault: null };
    const kernel = bootPoint(one);
    kernel.setLockOps(atomicsLockOps);
    const cpu = new RealCpu(kernel, 0, spec.seed, spinCalibration());
    cpu.online();
    return deriveWorkNs(cpu, attachPoint(kernel, one), one);
  },

  runPoint,
};
