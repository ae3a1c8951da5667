// Reads the engine's result JSON (results/schema.ts, RunResult) into the
// point views sweeps, charts and the regression check use. This is the only
// file that knows where a result keeps those numbers; it validates just the
// fields it reads, so a truncated or foreign file fails here with one line
// instead of as a NaN in a chart.
import { z } from 'zod';
import { SCHEMA_NAME, type RunResult } from '../results/schema.js';
import type { PointView } from './point-view.js';
import type { VirtualSpeed } from '../engine/virtual/speed.js';

export class ResultFormatError extends Error {
  override name = 'ResultFormatError';
}

const num = z.number();
const lock = z.object({
  acquisitions: num, contentions: num, waitTotalNs: num, holdTotalNs: num, conBounces: num, acqBounces: num, waitShare: num,
});

const point = z.object({
  workload: z.string(),
  engine: z.string(),
  strategy: z.string(),
  strategySource: z.object({ path: z.string(), sha256: z.string() }).nullable().optional(),
  cpus: z.number().int().min(1),
  repeat: z.number().int().min(0).optional(),
  lifetimes: num,
  throughput: num,
  locks: z.record(z.string(), lock),
  percpu: z.object({ bytesInUse: num, bytesParked: num }),
  // A result written before the exec part existed has none: it read 0.
  timeSplit: z.object({ work: num, exec: num.default(0), percpu: num, loops: num, transfers: num, other: num, wait: z.record(z.string(), num) }).nullable().optional(),
  machine: z.object({ cpus: num, sockets: num, threadsPerCore: num }).optional(),
  disturbance: z.object({ disturbed: z.boolean() }).loose().nullable().optional(),
});

const result = z.object({
  schema: z.literal(SCHEMA_NAME),
  tool: z.object({ version: z.string() }),
  engine: z.string(),
  host: z.record(z.string(), z.unknown()),
  scenario: z.record(z.string(), z.unknown()),
  oversubscribed: z.boolean(),
  partial: z.boolean(),
  failure: z.object({ point: z.string(), message: z.string() }).loose().nullable(),
  points: z.array(point).min(1),
});

type Parsed = z.infer<typeof result>;

export interface ResultMeta {
  toolVersion: string;
  engine: string;
  host: Record<string, unknown>;
  scenario: Record<string, unknown>;
  oversubscribed: boolean;
}

function parse(json: unknown, source: string): Parsed {
  const r = result.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ResultFormatError(`${source} is not a percpu-lab result: ${i.path.join('.') || '(top level)'}: ${i.message}`);
  }
  return r.data;
}

/** Why a result is not a complete measurement, or null when it is. */
export function incompleteReason(json: RunResult | unknown): string | null {
  const r = json as Partial<RunResult> | null;
  if (!r?.partial) return null;
  return r.failure ? `${r.failure.point}: ${r.failure.kind}: ${r.failure.message}` : 'the run ended before every point finished';
}

export function resultPoints(json: unknown, source: string): PointView[] {
  const r = parse(json, source);
  if (r.partial) throw new ResultFormatError(`${source} holds a partial run (${incompleteReason(json)}); rerun it`);
  return r.points.map(pointView);
}

/** The fields of a result point a view reads: a point as read from a file, or a run's own ResultPoint. */
type ViewSource = Omit<z.infer<typeof point>, 'disturbance'> & { disturbance?: { disturbed: boolean } | null };

/** The view of one result point. */
export function pointView(p: ViewSource): PointView {
  return {
    workload: p.workload,
    engine: p.engine,
    strategy: p.strategy,
    strategySource: p.strategySource ?? null,
    cpus: p.cpus,
    lifetimes: p.lifetimes,
    throughput: p.throughput,
    locks: p.locks,
    percpu: p.percpu,
    timeSplit: p.timeSplit ?? null,
    machine: p.machine ?? null,
    ...(p.disturbance?.disturbed && { disturbed: true }),
    ...(p.repeat !== undefined && { round: p.repeat }),
  };
}

export function resultMeta(json: unknown, source: string): ResultMeta {
  const r = parse(json, source);
  // The host facts, without how fast it simulated this one point.
  const { virtualSpeed: _speed, ...host } = r.host;
  return { toolVersion: r.tool.version, engine: r.engine, host, scenario: r.scenario, oversubscribed: r.oversubscribed };
}

/** How fast the host simulated a virtual result's first point (host.virtualSpeed), or null. */
export function recordedSpeed(json: unknown): VirtualSpeed | null {
  return (json as Partial<RunResult> | null)?.host?.virtualSpeed?.[0] ?? null;
}

/** The work per cycle a result derived itself (value and the lines explaining it), or null when it was given or not needed. */
export function derivedWorkNs(json: unknown): { value: number; lines: string[] } | null {
  const w = (json as Partial<RunResult> | null)?.workNs;
  return w?.derived ? { value: w.value, lines: w.derivation } : null;
}
