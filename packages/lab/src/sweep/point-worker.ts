// Worker-thread entry of the sweep's point pool (engine-runner.ts): run one
// point's scenario and hand back its result. Errors come back as data, so
// the sweep can tell the user's input (a ScenarioError, one line per
// problem) from a bug exactly as it does for a point run in its own thread.
import type { RunResult } from '../results/schema.js';
import { ScenarioError } from '../scenario/errors.js';
import { loadStrategyFile, type StrategySource } from '../strategies/file.js';
import { runPointScenario } from './point-scenario.js';

export type PointOutcome =
  | { ok: true; result: RunResult }
  | { ok: false; name: string; message: string; stack: string | undefined; lines: string[] | null };

/** One point: its scenario input, and the strategy files to register first. */
export interface PointTask {
  input: Record<string, unknown>;
  files: readonly StrategySource[];
}

export default async function runPoint({ input, files }: PointTask): Promise<PointOutcome> {
  try {
    for (const f of files) await loadStrategyFile(f.path, f.sha256);
    return { ok: true, result: await runPointScenario(input) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return { ok: false, name: err.name, message: err.message, stack: err.stack, lines: e instanceof ScenarioError ? e.lines : null };
  }
}
