// Worker-thread entry of the sweep's point pool (engine-runner.ts): run one
// point's scenario and hand back its result. Errors come back as data, so
// the sweep can tell the user's input (a ScenarioError, one line per
// problem) from a bug exactly as it does for a point run in its own thread.
import type { RunResult } from '../results/schema.js';
import { ScenarioError } from '../scenario/errors.js';
import { runPointScenario } from './engine-runner.js';

export type PointOutcome =
  | { ok: true; result: RunResult }
  | { ok: false; name: string; message: string; stack: string | undefined; lines: string[] | null };

export default async function runPoint(input: Record<string, unknown>): Promise<PointOutcome> {
  try {
    return { ok: true, result: await runPointScenario(input) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { ok: false, name: err.name, message: err.message, stack: err.stack, lines: e instanceof ScenarioError ? e.lines : null };
  }
}
