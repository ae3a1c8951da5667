// The virtual engine behind the lab's Engine contract (engine/engine.ts):
// `percpu-lab run --engine virtual [--profile P] [--cpus-per-socket N]`.
// A point boots its kernel exactly as the threads engine does (boot.ts),
// builds the same workload programs (workloads/instantiate.ts), runs them on
// virtual CPUs (run.ts) and hands the kernel to the same collector
// (metrics/collect.ts), so both engines' results share one schema and the
// reports can tell them apart only by their numbers and `engine`.
//
// The doexec work per cycle comes from the cost profile (doexecWorkNs), not
// from the 4 % proportion the threads engine derives: the model charges its
// allocators' work only where it calls Cpu.cost(), so in virtual time their
// path is shorter than a real kernel's, and scaling the exec work down to
// it would shrink the whole cycle. The profile's figure keeps the cycle at a
// real exec's length; the derivation prints the share the percpu path has
// under the profile so the difference stays visible.
import { ScenarioError } from '../../scenario/errors.js';
import { attachPoint, bootPoint } from '../../boot.js';
import { bootSnapshot, collectPoint } from '../../metrics/collect.js';
import { instantiate } from '../../workloads/instantiate.js';
import { deriveWorkNs } from '../../workloads/work-ns.js';
import type { CpuRaw, Engine, PointFailure, PointSpec, RawPoint, WorkNsDerivation } from '../engine.js';
import { VirtualContext, type Topology } from './context.js';
import { ProfileError, VirtualConfigError, VirtualRunError } from './errors.js';
import { loadProfile, type CostProfile } from './profile.js';
import { createVirtualCpus, runVirtual, type VirtualRunResult } from './run.js';

/** The profile used when a scenario names none. */
export const DEFAULT_PROFILE = 'kernel';

/** The point's profile and topology; a bad one is the user's input error (one line, exit 2). */
function resolve(spec: PointSpec): { profile: CostProfile; topology: Topology } {
  if (spec.fault !== null) throw new ScenarioError(['faultInject: expected only with --engine threads (it tests the worker pool)']);
  try {
    const profile = loadProfile(spec.profile ?? DEFAULT_PROFILE);
    return { profile, topology: spec.cpusPerSocket === null ? {} : { cpusPerSocket: spec.cpusPerSocket } };
  } catch (e) {
    if (e instanceof ProfileError) throw new ScenarioError([`profile: ${e.message}`]);
    throw e;
  }
}

async function runPoint(spec: PointSpec): Promise<RawPoint> {
  const { profile, topology } = resolve(spec);
  const kernel = bootPoint(spec);
  const cpus = createVirtualCpus(kernel, spec.cpus, profile, topology, spec.seed);
  const boot = bootSnapshot(kernel);
  // One thread hosts every CPU, as one worker would host one: one attach serves them all.
  const attached = attachPoint(kernel, spec);
  const runs = cpus.map((cpu) => instantiate(kernel, cpu, spec, attached));
  let parkedPercpuBytes = 0;
  let result: VirtualRunResult | null = null;
  let failure: PointFailure | null = null;
  try {
    result = runVirtual({
      kernel,
      cpus,
      programs: runs.map((r) => r.program),
      opsPerCpu: spec.opsPerCpu ?? undefined,
      durationNs: spec.durationNs ?? undefined,
      warmupOps: spec.warmupOps,
      onWarmupEnd: () => runs.forEach((r) => r.rec.resetLatency()),
      onWindowEnd: () => (parkedPercpuBytes = attached.mm.parkedPercpuBytes()),
      onFinish: (cpu) => attached.mm.drainCaches?.(cpu),
    });
  } catch (e) {
    if (!(e instanceof VirtualRunError)) throw e;
    failure = { kind: e.name, message: e.message };
  }
  const perCpu: (CpuRaw | null)[] = cpus.map((cpu, i) => {
    const c = result?.perCpu[i];
    if (c === undefined) return null;
    const rec = runs[i]!.rec;
    return { cpu: cpu.id, ops: c.ops, elapsedNs: c.clockNs, latency: rec.snapshot(), tally: rec.tally };
  });
  return collectPoint(kernel, spec, {
    boot,
    parkedPercpuBytes,
    perCpu,
    status: failure === null ? 'complete' : 'partial',
    failure,
    oversubscribed: 0,
    engineInfo: {
      profile: profile.name,
      profileOrigin: profile.origin,
      cpusPerSocket: topology.cpusPerSocket ?? spec.cpus,
      virtualSteps: result?.steps ?? null,
    },
  });
}

async function deriveVirtualWorkNs(spec: PointSpec): Promise<WorkNsDerivation> {
  const { profile } = resolve(spec);
  const one: PointSpec = { ...spec, cpus: 1, strategy: 'baseline', workload: 'doexec', fault: null };
  const kernel = bootPoint(one);
  const [cpu] = createVirtualCpus(kernel, 1, profile, {}, spec.seed);
  // P and L in virtual time, measured by the threads engine's own procedure.
  const d = deriveWorkNs(cpu!, attachPoint(kernel, one), one);
  const workNs = profile.doexecWorkNs;
  const cycleNs = d.lifetimeNs + workNs;
  const us = (ns: number) => `${(ns / 1000).toFixed(2)} µs`;
  return {
    workNs,
    percpuPathNs: d.percpuPathNs,
    lifetimeNs: d.lifetimeNs,
    cycleNs,
    text: [
      `work-ns ${workNs} from cost profile ${profile.name} (doexecWorkNs): ${profile.sources.doexecWorkNs}`,
      `  under this profile the baseline's percpu path P = ${us(d.percpuPathNs)} and the cycle without work L = ${us(d.lifetimeNs)}: ` +
        `P is ${((100 * d.percpuPathNs) / cycleNs).toFixed(2)} % of the ${us(cycleNs)} cycle (real kernels: about 4 %)`,
    ],
  };
}

export const virtualEngine: Engine = {
  name: 'virtual',
  async prepare(spec) {
    const { profile, topology } = resolve(spec);
    try {
      new VirtualContext(profile, spec.cpus, topology);
    } catch (e) {
      if (e instanceof VirtualConfigError) throw new ScenarioError([`cpusPerSocket: ${e.message}`]);
      throw e;
    }
  },
  deriveWorkNs: deriveVirtualWorkNs,
  runPoint,
};
