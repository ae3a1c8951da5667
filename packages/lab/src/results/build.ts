// Assembling the result of a run from its result points.
import { addScaling } from '../metrics/scaling.js';
import type { EngineName, Scenario } from '../scenario/schema.js';
import { parseSize } from '../scenario/validate.js';
import { hostInfo, toolVersion } from './host.js';
import { INTERVAL_METHOD } from '../stats/interval.js';
import { SCHEMA_NAME, SCHEMA_VERSION, type PointFailure, type ResultPoint, type RunResult } from './schema.js';
import { resultSummary } from './summary.js';
import type { VirtualSpeed } from '../engine/virtual/speed.js';

export interface ResultInput {
  scenario: Scenario;
  engine: EngineName;
  workNs: RunResult['workNs'];
  points: ResultPoint[];
  /** Points the scenario asked for; fewer results than this means the run ended early. */
  expectedPoints: number;
  failure: (PointFailure & { point: string }) | null;
  oversubscription: string;
  /** Virtual engine: the simulation speed of each point run (host facts). */
  virtualSpeed?: VirtualSpeed[];
}

export function buildResult(i: ResultInput, now = new Date()): RunResult {
  addScaling(i.points);
  const complete = i.failure === null && i.points.length === i.expectedPoints && i.points.every((p) => p.status === 'complete');
  return {
    schema: SCHEMA_NAME,
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'percpu-lab', version: toolVersion() },
    createdAt: now.toISOString(),
    host: i.virtualSpeed?.length ? { ...hostInfo(), virtualSpeed: i.virtualSpeed } : hostInfo(),
    engine: i.engine,
    seed: i.scenario.seed,
    scenario: i.scenario,
    workNs: i.workNs,
    workFootprint: i.scenario.workFootprint === null ? null : parseSize(i.scenario.workFootprint),
    oversubscribed: i.points.some((p) => p.oversubscribed > 0),
    oversubscription: i.oversubscription,
    status: complete ? 'complete' : 'partial',
    partial: !complete,
    failure: i.failure,
    points: i.points,
    summary: resultSummary(i.points),
    intervalMethod: INTERVAL_METHOD,
  };
}
