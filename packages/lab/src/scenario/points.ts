// From a validated scenario to the points an engine runs: resolve what the
// scenario leaves symbolic (geometry boot line, memory size, trace path) and
// expand CPU counts × strategies. Problems found while resolving are input
// errors like any other: one line naming the field.
import { existsSync } from 'node:fs';
import { DEFAULT_GEOMETRY, parsePcpuBootLine, validateGeometry, type PcpuGeometry } from '@percpu-lab/percpu';
import type { PointSpec, WorkloadKnobs } from '../engine/engine.js';
import { DEFAULT_TRACE } from '../workloads/replay-sizes.js';
import { readTraceItems } from '../workloads/trace-items.js';
import { ScenarioError } from './errors.js';
import { FIELDS, type Scenario } from './schema.js';
import { parseSize } from './validate.js';

/** A point spec with everything but the CPU count and strategy. */
export type PointBase = Omit<PointSpec, 'cpus' | 'strategy'>;

function resolveGeometry(s: Scenario): PcpuGeometry {
  if (s.geometry === null) return { ...DEFAULT_GEOMETRY };
  try {
    const g = typeof s.geometry === 'string' ? parsePcpuBootLine(s.geometry) : { ...s.geometry };
    validateGeometry(g);
    return g;
  } catch (e) {
    throw new ScenarioError([`${FIELDS.geometry.flag}: expected ${FIELDS.geometry.expect}; ${(e as Error).message}`]);
  }
}

function resolveTrace(s: Scenario): string | null {
  if (s.workload !== 'replay-sizes') return null;
  const path = s.trace ?? DEFAULT_TRACE;
  if (!existsSync(path)) throw new ScenarioError([`${FIELDS.trace.flag}: expected ${FIELDS.trace.expect}; ${path} does not exist`]);
  readTraceItems(path); // refuse a bad trace before any point boots
  return path;
}

/** Everything the points of a scenario share; workNs still unresolved (0) when it is to be derived. */
export function pointBase(s: Scenario): PointBase {
  const knobs: WorkloadKnobs = {
    workNs: s.workNs ?? 0, workFootprint: parseSize(s.workFootprint ?? 0), binary: s.binary === null || s.binary === 'none' ? null : s.binary,
    threadProb: s.threadProb ?? 0, trace: resolveTrace(s),
  };
  return {
    engine: s.engine,
    workload: s.workload,
    opsPerCpu: s.ops,
    durationNs: s.duration === null ? null : Math.round(s.duration * 1e9),
    warmupOps: s.warmup,
    seed: s.seed,
    memBytes: parseSize(s.memory),
    geometry: resolveGeometry(s),
    knobs,
    watchdogMs: Math.round(s.watchdog * 1000),
    profile: s.profile,
    machineCpus: s.machineCpus,
    sockets: s.sockets,
    threadsPerCore: s.threadsPerCore,
    fault: s.faultInject,
  };
}

/**
 * Every strategy with every CPU count, strategy by strategy: the points a
 * speedup divides (1 CPU and N CPUs of one strategy) run back to back, so a
 * change in host load during the run skews the ratios as little as it can.
 */
export function expandPoints(s: Scenario, base: PointBase): PointSpec[] {
  return s.strategies.flatMap((strategy) => s.cpus.map((cpus) => ({
    ...base,
    cpus,
    strategy,
    // A fault aimed at CPU k applies to the points that have a CPU k.
    fault: base.fault !== null && base.fault.cpu < cpus ? base.fault : null,
  })));
}

/** "doexec/baseline/2cpu": how logs and failures name a point. */
export function pointName(p: { workload: string; strategy: string; cpus: number }): string {
  return `${p.workload}/${p.strategy}/${p.cpus}cpu`;
}
