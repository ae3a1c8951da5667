// `percpu-lab run`: one scenario (flags and/or --scenario FILE) on one
// engine. Progress goes to stderr; the summary (or, with --json, the result
// JSON) to stdout; result.json, points.csv, locks.csv and report.txt to the
// output directory, rewritten after every point so that a run killed midway
// keeps what it finished (marked partial). Exit 0 when every point ran
// completely and passed its checks, 1 when the run failed (the result is
// written, marked partial), 2 for bad usage or input (one line per problem,
// no stack trace).
import { basename } from 'node:path';
import { renderRun } from '../report/render.js';
import { defaultOutDir, writeResult } from '../results/write.js';
import { SCENARIO_FLAG_OPTIONS, scenarioFlagHelp } from '../scenario/flags.js';
import { loadScenario } from '../scenario/load.js';
import { runScenario } from '../scenario/run.js';
import { WORKLOAD_NAMES } from '../scenario/schema.js';
import { getWorkload } from '../workloads/registry.js';
import { parseCommandArgs } from './args.js';
import type { Command } from './command.js';
import { inputErrorLines } from './input-errors.js';

export const RUN_USAGE = `usage: percpu-lab run [--scenario FILE] [flags] [--json]

Measure one workload on 1..N emulated CPUs for each strategy, e.g.
  percpu-lab run --workload doexec --strategy baseline,slab-dtor --cpus 1,2 --ops 20000 --json

  --scenario FILE      scenario file (JSON or YAML) with the fields below (camelCase);
                       flags override its fields
  --json               print the result JSON on stdout instead of the summary
${scenarioFlagHelp().join('\n')}

workloads:
${WORKLOAD_NAMES.map((w) => `  ${w.padEnd(13)} ${getWorkload(w).description}`).join('\n')}

exit status: 0 ok, 1 run failed (partial results written and marked), 2 bad usage or input`;

const OPTIONS = {
  ...SCENARIO_FLAG_OPTIONS,
  scenario: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const runCommand: Command = {
  name: 'run',
  summary: 'measure a workload on 1..N emulated CPUs for each strategy (threads or virtual engine)',
  run: runMain,
};

export async function runMain(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (e) {
    const lines = inputErrorLines(e);
    if (lines === null) throw e;
    for (const l of lines) process.stderr.write(`percpu-lab run: ${l}\n`);
    return 2;
  }
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('run', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(`${RUN_USAGE}\n`);
    return 0;
  }
  const scenario = await loadScenario(values);
  const out = scenario.out ?? defaultOutDir();
  const result = await runScenario(scenario, {
    log: (l) => process.stderr.write(`${l}\n`),
    onPoint: (soFar) => writeResult(out, soFar, renderRun(soFar, 'full')),
  });
  const files = writeResult(out, result, renderRun(result, 'full'));
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else process.stdout.write(`${[...renderRun(result, 'summary'), '', `written to ${out}: ${files.map((f) => basename(f)).join(', ')}`].join('\n')}\n`);
  return result.partial ? 1 : 0;
}
