// Reads the engine's result JSON (the schema the results module writes) into
// the point views sweeps, charts and the regression check use. This is the
// only file that knows where a result keeps its numbers; it validates just
// those fields so a truncated or foreign file fails here with one line.
import { z } from 'zod';
import type { PointView } from './point-view.js';

export class ResultFormatError extends Error {
  override name = 'ResultFormatError';
}

const num = z.number().finite();
const lockNumbers = z.object({
  acquisitions: num, contentions: num, waitTotalNs: num, holdTotalNs: num, conBounces: num, acqBounces: num,
});

const point = z.object({
  cpus: z.number().int().min(1),
  strategy: z.string(),
  engine: z.string(),
  lifetimes: num,
  throughput: num,
  elapsedNs: num,
  locks: z.record(z.string(), lockNumbers),
  percpu: z.object({ bytesInUse: num, bytesParked: num }).nullable().optional(),
});

const result = z.object({
  tool: z.object({ version: z.string() }),
  engine: z.string(),
  host: z.record(z.string(), z.unknown()),
  scenario: z.object({ workload: z.string() }).loose(),
  oversubscribed: z.boolean(),
  partial: z.boolean().optional(),
  points: z.array(point).min(1),
});

export interface ResultMeta {
  toolVersion: string;
  engine: string;
  host: Record<string, unknown>;
  scenario: Record<string, unknown>;
  oversubscribed: boolean;
}

function parse(json: unknown, source: string) {
  const r = result.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ResultFormatError(`${source} is not a percpu-lab result: ${i.path.join('.') || '(top level)'}: ${i.message}`);
  }
  if (r.data.partial) throw new ResultFormatError(`${source} holds a partial run (it was stopped early); rerun it`);
  return r.data;
}

export function resultPoints(json: unknown, source: string): PointView[] {
  const r = parse(json, source);
  return r.points.map((p) => ({
    workload: r.scenario.workload,
    engine: p.engine,
    strategy: p.strategy,
    cpus: p.cpus,
    lifetimes: p.lifetimes,
    throughput: p.throughput,
    elapsedNs: p.elapsedNs,
    locks: p.locks,
    percpu: p.percpu ?? null,
  }));
}

export function resultMeta(json: unknown, source: string): ResultMeta {
  const r = parse(json, source);
  return { toolVersion: r.tool.version, engine: r.engine, host: r.host, scenario: r.scenario, oversubscribed: r.oversubscribed };
}
