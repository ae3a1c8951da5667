// One raw point (from either engine) → one result point. The only place
// throughput, latency, lock and memory figures are computed, so both
// engines' results mean the same thing.
import type { RawPoint } from '../engine/engine.js';
import type { CpuResult, ResultPoint } from '../results/schema.js';
import { sumTallies } from '../workloads/tally.js';
import { cpuLatency, mergeLatency } from './latency.js';
import { lockTable } from './locks.js';
import { percpuView } from './percpu.js';

const rateOf = (ops: number, ns: number) => (ns > 0 ? ops / (ns / 1e9) : 0);

export function pointResult(raw: RawPoint): ResultPoint {
  const cpus = raw.perCpu.filter((c) => c !== null);
  const perCpu: CpuResult[] = cpus.map((c) => ({
    cpu: c.cpu,
    lifetimes: c.ops,
    elapsedNs: c.elapsedNs,
    throughput: rateOf(c.ops, c.elapsedNs),
    latency: cpuLatency(c.latency),
  }));
  const cpuTimeNs = cpus.reduce((s, c) => s + c.elapsedNs, 0);
  return {
    workload: raw.spec.workload,
    engine: raw.spec.engine,
    strategy: raw.spec.strategy,
    cpus: raw.spec.cpus,
    machine: { cpus: raw.spec.machineCpus, sockets: raw.spec.sockets, threadsPerCore: raw.spec.threadsPerCore },
    status: raw.status,
    failure: raw.failure,
    lifetimes: perCpu.reduce((s, c) => s + c.lifetimes, 0),
    elapsedNs: Math.max(0, ...perCpu.map((c) => c.elapsedNs)),
    throughput: perCpu.reduce((s, c) => s + c.throughput, 0),
    speedup: null,
    efficiency: null,
    perCpu,
    latency: mergeLatency(cpus.map((c) => c.latency)),
    locks: lockTable(raw.locks, raw.lockKinds, cpuTimeNs),
    percpu: percpuView(raw.percpu, raw.spec.cpus, raw.parkedPercpuBytes),
    slab: raw.slab,
    tally: sumTallies(cpus.map((c) => c.tally)),
    checks: raw.checks,
    oversubscribed: raw.oversubscribed,
    timeSplit: raw.timeSplit,
    engineInfo: raw.engineInfo,
  };
}
