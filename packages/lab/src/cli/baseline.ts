// `percpu-lab baseline [--out FILE]`: run the regression gate's scenario and
// write its result JSON — by default over the committed baseline, which is
// how the baseline is regenerated after an intended change. CI runs it with
// --out to a temporary file and checks that against the committed one.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { listStrategies } from '@percpu-lab/mm';
import { BASELINE_FILE, BASELINE_SCENARIO } from '../check/baseline-scenario.js';
import { runScenario } from '../scenario/run.js';
import { parseScenario } from '../scenario/validate.js';
import { withBadInput } from '../sweep/bad-input.js';
import { incompleteReason } from '../sweep/result-adapter.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './command.js';

export const BASELINE_USAGE = `usage: percpu-lab baseline [--out FILE]

Run the regression scenario — ${BASELINE_SCENARIO.workload} on the ${BASELINE_SCENARIO.engine} engine (${BASELINE_SCENARIO.profile} profile),
every strategy, CPUs ${BASELINE_SCENARIO.cpus.join(', ')}, ${BASELINE_SCENARIO.ops} lifetimes per CPU, seed ${BASELINE_SCENARIO.seed} —
and write its result JSON to FILE (default ${BASELINE_FILE}, the committed
baseline; run from the repository root). Regenerate and commit it when a change
moves the numbers on purpose; CI compares a fresh run against it:
  percpu-lab baseline --out /tmp/current.json
  percpu-lab check /tmp/current.json --baseline ${BASELINE_FILE}`;

export function baselineMain(argv: string[]): Promise<number> {
  return withBadInput('baseline', () => baseline(argv));
}

async function baseline(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('baseline', argv, { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(`${BASELINE_USAGE}\n`);
    return 0;
  }
  const out = values.out ?? BASELINE_FILE;
  const scenario = parseScenario(
    { ...BASELINE_SCENARIO, strategies: [...BASELINE_SCENARIO.strategies], cpus: [...BASELINE_SCENARIO.cpus] },
    { file: 'baseline scenario', fromFlags: new Set(), strategies: listStrategies().map((s) => s.name) },
  );
  const t0 = performance.now();
  const result = await runScenario(scenario, { log: () => {} });
  const failed = incompleteReason(result);
  if (failed) {
    process.stderr.write(`percpu-lab baseline: the run did not complete (${failed}); nothing written\n`);
    return 1;
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`baseline: ${result.points.length} points in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${out}\n`);
  return 0;
}

export const baselineCommand: Command = {
  name: 'baseline',
  summary: 'regenerate the regression baseline (baselines/virtual-doexec.json)',
  run: baselineMain,
};
