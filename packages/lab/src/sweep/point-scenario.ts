// One sweep point, run in the calling thread: its scenario input is
// validated by the run's own rules and run by the run's own runScenario, so
// a sweep point and a `percpu-lab run` of the same flags are the same
// measurement. Both the sweep's runner (engine-runner.ts) and its pool's
// workers (point-worker.ts) call it.
import { listStrategies } from '@percpu-lab/mm';
import type { RunResult } from '../results/schema.js';
import { runScenario } from '../scenario/run.js';
import { parseScenario } from '../scenario/validate.js';

/** Validate and run one point's scenario input in this thread. */
export function runPointScenario(input: Record<string, unknown>): Promise<RunResult> {
  const scenario = parseScenario(input, { file: null, fromFlags: new Set(), strategies: listStrategies().map((s) => s.name) });
  return runScenario(scenario, { log: () => {} });
}
