// The sweep's point runner on the real engines: each point is an ordinary
// `percpu-lab run` scenario (validated by the run's own rules, run by the
// run's own runScenario), so a sweep point and a run of the same flags are
// the same measurement.
//
// The doexec work per cycle, when the sweep leaves it to be derived, is
// derived by the first point run for each workload and engine and then
// pinned for the rest, so every point of a series does the same work.
import { listStrategies } from '@percpu-lab/mm';
import type { RunResult } from '../results/schema.js';
import { runScenario } from '../scenario/run.js';
import { parseScenario } from '../scenario/validate.js';
import type { PointRunner } from './run.js';

export interface EngineRunnerOptions {
  /** Lines worth showing once (how the work per cycle was derived). */
  log: (line: string) => void;
}

export function engineRunner(opts: EngineRunnerOptions): PointRunner {
  const strategies = listStrategies().map((s) => s.name);
  const pinnedWorkNs = new Map<string, number>();
  return async (point, input) => {
    const series = `${point.workload}/${point.engine}`;
    const pinned = pinnedWorkNs.get(series);
    const raw = input.workNs === undefined && pinned !== undefined ? { ...input, workNs: pinned } : input;
    const scenario = parseScenario(raw, { file: null, fromFlags: new Set(), strategies });
    const result: RunResult = await runScenario(scenario, { log: () => {} });
    if (result.workNs?.derived && pinned === undefined) {
      pinnedWorkNs.set(series, result.workNs.value);
      for (const line of result.workNs.derivation) opts.log(line);
    }
    return result;
  };
}
