// `percpu-lab validate`: both engines at every operating point, one table
// of virtual / threads throughput ratios and a verdict (validate/validate.ts
// says which points are judged). Progress to stderr; the table (or, with
// --json, one JSON object) to stdout. Exit 0 every judged ratio within the
// tolerance, 1 one is not (or an engine run failed), 2 bad usage.
import { availableParallelism, loadavg } from 'node:os';
import { listStrategies } from '@percpu-lab/mm';
import { EngineRunFailed } from '../calibrate/errors.js';
import { DEFAULT_WORK, footprintFlags, operatingPoints, runFlags, THREADS_RATES, type ScenarioRunner } from '../calibrate/points.js';
import { loadProfile, ProfileError } from '../cost-model/index.js';
import { DEFAULT_WORK_FOOTPRINT } from '../scenario/schema.js';
import { withBadInput } from '../sweep/bad-input.js';
import { validate } from '../validate/validate.js';
import { validationLines } from '../validate/table.js';
import { choiceFlag, intFlag, parseCommandArgs } from './args.js';
import type { Command } from './command.js';
import { RunFailed, UsageError } from './errors.js';
import { cpuList, footprintList, POINT_FLAG_OPTIONS, preflight, THREADS_RATE_HELP, workList } from './point-flags.js';

const DEFAULT_OPS = 5000;
/** Nine repeats: the fewest whose 95 % interval leaves out the highest and the lowest reading. */
const DEFAULT_REPEATS = 9;
const DEFAULT_TOLERANCE = 0.1;

const cores = availableParallelism();
const upToCores = Array.from({ length: cores }, (_, i) => i + 1);

export const VALIDATE_USAGE = `usage: percpu-lab validate [--profile P] [--strategy LIST] [--work-ns LIST] [--footprints LIST] [--cpus LIST]
                          [--ops N] [--repeats N] [--threads-rate R] [--tolerance X] [--json]

Run doexec on both engines at every operating point — each work-ns x footprint x
CPU count, plus one oversubscribed CPU count (this host's cores + 1, here ${cores + 1}) —
and print one table of virtual / threads throughput ratios with a verdict. The
derived work-ns is derived once on the threads engine and given to both. Each cell
says whether the virtual figure lies inside the threads figure's 95 % interval
over the repeats; a ratio is judged against the tolerance only where that
interval is narrower than the tolerance (~ marks the others). Threads points the
host disturbed in every repeat (D) and the oversubscribed row are shown but not
judged. The load average is printed before and after.

  --profile P       virtual engine cost profile: kernel, calibrated or a file (default calibrated;
                    run percpu-lab calibrate first)
  --strategy LIST   strategies (default every built-in one)
  --work-ns LIST    exec work per cycle: numbers and/or derived (default ${DEFAULT_WORK.join(',')})
  --footprints LIST work footprints, passed to every run as --work-footprint (default: the
                    scenario default, ${DEFAULT_WORK_FOOTPRINT})
  --cpus LIST       judged CPU counts, each at most this host's cores (default ${upToCores.join(',')})
  --ops N           lifetimes per CPU per run, both engines (default ${DEFAULT_OPS})
  --repeats N       threads-engine runs per point, median and 95 % interval kept (default ${DEFAULT_REPEATS};
                    fewer than 6 give no interval, so nothing is judged)
${THREADS_RATE_HELP}
  --tolerance X     largest |ratio - 1| that passes, as 0.1 or 10% (default 10%)
  --json            print the rows and verdict as JSON instead of the table

exit status: 0 every judged ratio within the tolerance, 1 one is not or a run failed, 2 bad usage`;

const OPTIONS = {
  ...POINT_FLAG_OPTIONS,
  profile: { type: 'string' },
  strategy: { type: 'string' },
  cpus: { type: 'string' },
  tolerance: { type: 'string' },
} as const;

function toleranceFlag(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TOLERANCE;
  const m = /^(\d+(?:\.\d+)?|\.\d+)(%?)$/.exec(value.trim());
  const x = m === null ? NaN : Number(m[1]) / (m[2] === '%' ? 100 : 1);
  if (!(x > 0 && x < 1)) throw new UsageError(`--tolerance must be a fraction in (0, 1) such as 0.1, or a percentage such as 10%, got '${value}'`);
  return x;
}

/** `runner` runs each scenario; a test passes its own to see what both engines are asked. */
export function validateMain(argv: string[], runner: ScenarioRunner = runFlags): Promise<number> {
  return withBadInput('validate', () => run(argv, runner));
}

async function run(argv: string[], runner: ScenarioRunner): Promise<number> {
  const { values } = parseCommandArgs('validate', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(`${VALIDATE_USAGE}\n`);
    return 0;
  }
  const work = workList(values['work-ns'], DEFAULT_WORK);
  const footprints = footprintList(values.footprints, [null]);
  const cpus = cpuList(values.cpus, upToCores, cores);
  const ops = intFlag('ops', values.ops, DEFAULT_OPS, 1, 10_000_000);
  const repeats = intFlag('repeats', values.repeats, DEFAULT_REPEATS, 1, 100);
  const rate = choiceFlag('threads-rate', values['threads-rate'], THREADS_RATES, 'wall');
  const tolerance = toleranceFlag(values.tolerance);
  const profile = values.profile ?? 'calibrated';
  try {
    loadProfile(profile);
  } catch (e) {
    if (e instanceof ProfileError) throw new UsageError(`--profile: ${e.message}`);
    throw e;
  }
  const strategies = (values.strategy ?? listStrategies().map((s) => s.name).join(',')).split(',').map((s) => s.trim());
  const oversubscribedCpus = cores + 1;
  await preflight(operatingPoints(work, footprints, [...cpus, oversubscribedCpus]).map((p) =>
    ({ workload: 'doexec', strategy: strategies.join(','), cpus: String(p.cpus), engine: 'virtual', profile, binary: 'none', ...footprintFlags(p.footprint) })));

  const log = (l: string) => process.stderr.write(`${l}\n`);
  const loadBefore = loadavg()[0]!;
  log(`validate: load average ${loadBefore.toFixed(2)}; ${cores} host cores`);
  const t0 = performance.now();
  let v;
  try {
    v = await validate({ runner, strategies, work, footprints, cpus, oversubscribedCpus, profile, ops, repeats, tolerance, rate, log });
  } catch (e) {
    if (e instanceof EngineRunFailed) throw new RunFailed(e.message);
    throw e;
  }
  const loadAfter = loadavg()[0]!;
  const seconds = (performance.now() - t0) / 1000;
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ profile, tolerance, ops, repeats, threadsRate: rate, hostCores: cores, loadAverage: { before: loadBefore, after: loadAfter }, seconds, ...v }, null, 2)}\n`);
  } else {
    const lines = validationLines(v, { profile, ops, repeats, tolerance, rate, loadBefore, loadAfter });
    process.stdout.write(`${[...lines, `(${seconds.toFixed(0)} s)`].join('\n')}\n`);
  }
  return v.verdict.pass ? 0 : 1;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'run both engines at every operating point and judge the virtual/threads throughput ratios',
  run: (argv) => validateMain(argv),
};
