// The virtual engine behind the lab's Engine contract (engine/engine.ts):
// `percpu-lab run --engine virtual [--profile P] [--machine-cpus N --sockets S --threads-per-core T]`.
// A point boots its kernel exactly as the threads engine does (boot.ts),
// builds the same workload programs (workloads/instantiate.ts), runs them on
// virtual CPUs (run.ts) and hands the kernel to the same collector
// (metrics/collect.ts), so both engines' results share one schema and the
// reports can tell them apart only by their numbers and `engine`.
//
// With an exec model (--binary static|dynamic) the profile prices the whole
// doexec cycle step by step and no work is derived: the run reports what
// share of that cycle the percpu path is, against the ~4 % kernel developers
// measured. With --binary none the work per cycle is derived as on the
// threads engine, from the 4 % rule (workloads/work-ns.ts) on the path the
// profile prices: on a one-CPU machine the baseline's percpu path P (two
// pcpu_alloc and two free_percpu, with their fixed work, memcg charges,
// bitmap scans, locks and per-unit loops) is 4 % of a cycle, so work =
// P / 0.04 - L. The work is a property of the workload, not of the
// machine: bigger machines run the same work and pay their longer loops on
// top.
//
// Each point also reports where its CPUs' time went (time-split.ts), per
// operation (mm lifetime), and how fast the host simulated it (speed.ts).
import { ScenarioError } from '../../scenario/errors.js';
import { attachPoint, bootPoint } from '../../boot.js';
import { bootSnapshot, collectPoint } from '../../metrics/collect.js';
import { instantiate } from '../../workloads/instantiate.js';
import { deriveWorkNs } from '../../workloads/work-ns.js';
import type { CpuRaw, Engine, PointSpec, RawPoint, WorkNsDerivation } from '../engine.js';
import type { PointFailure } from '../../results/schema.js';
import { checkTopology, exactLoopsFromEnv, type Topology } from './context.js';
import { loadProfile, ProfileError, type CostProfile } from '../../cost-model/index.js';
import { VirtualConfigError, VirtualRunError } from './errors.js';
import { createVirtualCpus, runVirtual, type VirtualRunResult } from './run.js';
import { lifetimeSplit, type TimeSplit } from './time-split.js';

/** The profile used when a scenario names none. */
export const DEFAULT_PROFILE = 'kernel';

/** The point's profile; a bad one is the user's input error (one line, exit 2). */
function resolveProfile(spec: PointSpec): CostProfile {
  if (spec.fault !== null) throw new ScenarioError(['faultInject: expected only with --engine threads (it tests the worker pool)']);
  try {
    return loadProfile(spec.profile ?? DEFAULT_PROFILE);
  } catch (e) {
    if (e instanceof ProfileError) throw new ScenarioError([`profile: ${e.message}`]);
    throw e;
  }
}

function topologyOf(spec: PointSpec): Topology {
  return { machineCpus: spec.machineCpus, sockets: spec.sockets, threadsPerCore: spec.threadsPerCore };
}

async function runPoint(spec: PointSpec): Promise<RawPoint> {
  const profile = resolveProfile(spec);
  const exactLoops = exactLoopsFromEnv();
  const kernel = bootPoint(spec);
  const cpus = createVirtualCpus(kernel, spec.cpus, profile, topologyOf(spec), spec.seed, { exactLoops });
  const boot = bootSnapshot(kernel);
  // One thread hosts every CPU, as one worker would host one: one attach serves them all.
  const attached = attachPoint(kernel, spec);
  const runs = cpus.map((cpu) => instantiate(kernel, cpu, spec, attached));
  let parkedPercpuBytes = 0;
  let windowSplits: TimeSplit[] = [];
  let result: VirtualRunResult | null = null;
  let failure: PointFailure | null = null;
  const t0 = performance.now();
  try {
    result = runVirtual({
      kernel,
      cpus,
      programs: runs.map((r) => r.program),
      opsPerCpu: spec.opsPerCpu ?? undefined,
      durationNs: spec.durationNs ?? undefined,
      warmupOps: spec.warmupOps,
      onWarmupEnd: () => runs.forEach((r) => r.rec.resetLatency()),
      onWindowEnd: () => {
        parkedPercpuBytes = attached.mm.parkedPercpuBytes();
        windowSplits = cpus.map((c) => c.split.copy());
      },
      onFinish: (cpu) => attached.mm.drainCaches?.(cpu),
    });
  } catch (e) {
    if (!(e instanceof VirtualRunError)) throw e;
    failure = { kind: e.name, message: e.message };
  }
  const seconds = (performance.now() - t0) / 1000;
  const split = result === null ? null : lifetimeSplit(windowSplits, result.totalOps, (id) => kernel.lockClassName(id));
  const perCpu: (CpuRaw | null)[] = cpus.map((cpu, i) => {
    const c = result?.perCpu[i];
    if (c === undefined) return null;
    const rec = runs[i]!.rec;
    return { cpu: cpu.id, ops: c.ops, elapsedNs: c.clockNs, latency: rec.snapshot(), tally: rec.tally };
  });
  const raw = collectPoint(kernel, spec, {
    boot,
    parkedPercpuBytes,
    perCpu,
    status: failure === null ? 'complete' : 'partial',
    failure,
    oversubscribed: 0,
    timeSplit: split,
    engineInfo: {
      profile: profile.name,
      profileOrigin: profile.origin,
      virtualSteps: result?.steps ?? null,
      // Only the reference says so: aggregate results stay byte for byte what they were.
      ...(exactLoops ? { loopPricing: 'exact' } : {}),
    },
  });
  // How fast it simulated (speed.ts): a complete run ran every CPU's warm-up and window.
  if (result !== null) raw.simulation = { ops: result.totalOps + spec.cpus * spec.warmupOps, seconds };
  return raw;
}

async function deriveVirtualWorkNs(spec: PointSpec): Promise<WorkNsDerivation> {
  const profile = resolveProfile(spec);
  const kernel = bootPoint(spec);
  const [cpu] = createVirtualCpus(kernel, 1, profile, topologyOf(spec), spec.seed, { exactLoops: exactLoopsFromEnv() });
  // With an exec model the whole cycle is priced: nothing is left for a derived work term to stand in for.
  const d = deriveWorkNs(cpu!, attachPoint(kernel, spec), spec, spec.knobs.binary === null);
  return { ...d, text: [`cost profile ${profile.name}: ${d.text[0]}`, ...d.text.slice(1)] };
}

export const virtualEngine: Engine = {
  name: 'virtual',
  async prepare(spec) {
    resolveProfile(spec);
    try {
      checkTopology(topologyOf(spec));
      exactLoopsFromEnv();
    } catch (e) {
      if (e instanceof VirtualConfigError) throw new ScenarioError([e.message]);
      throw e;
    }
  },
  deriveWorkNs: deriveVirtualWorkNs,
  runPoint,
};
