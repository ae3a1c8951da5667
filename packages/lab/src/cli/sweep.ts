// `percpu-lab sweep`: run a scalability sweep into an output directory, then
// write its summary, charts and report. See SWEEP_USAGE.
import { availableParallelism } from 'node:os';
import { PRESETS } from '../sweep/presets.js';
import { wrap } from '../report/wrap.js';
import { withBadInput } from '../sweep/bad-input.js';
import { BarProgress, LineProgress, pointWeight, type SweepProgress } from '../sweep/progress.js';
import { resolveSweepSpec } from '../sweep/resolve.js';
import { runSweep } from '../sweep/run.js';
import { parseShard, shardPoints } from '../sweep/shard.js';
import { SweepPointFailed } from '../sweep/errors.js';
import { sweepPoints, type SweepSpec } from '../sweep/spec.js';
import { SweepStore } from '../sweep/store.js';
import { engineRunner } from '../sweep/engine-runner.js';
import { reportTerminalLines, writeSweepReport } from '../sweep/write-report.js';
import { SCENARIO_FLAG_OPTIONS, scenarioFlagHelp } from '../scenario/flags.js';
import { intFlag, parseCommandArgs } from './args.js';
import type { Command } from './command.js';

export const SWEEP_USAGE = `usage: percpu-lab sweep [--preset NAME | --file FILE] [run flags] [--out DIR] [options]

Run every point of a matrix workloads × engines × strategies × CPUs × repeats,
one engine run per point, saving each result in DIR/points/ as it finishes;
then write DIR/summary.json, DIR/charts/*.svg and DIR/report.html.
Rerunning the same command resumes: points already in DIR are skipped.

${Object.entries(PRESETS).flatMap(([k, p], i) => wrap(`${k}: ${p.description}`, i === 0 ? '  --preset NAME           ' : ' '.repeat(26), ' '.repeat(28))).join('\n')}
  --file FILE             a sweep file (JSON or YAML) with name, workloads, engines,
                          strategies, cpus, repeats, noiseThreshold and run (run options)
  --out DIR               output directory (default results/sweep-<name>)
  --shard i/n             run only slice i of n (merge the slices with percpu-lab merge)
  --jobs N                virtual-engine points run N at a time, on worker threads (default: the
                          host's cores, here ${availableParallelism()}); 1 runs them one by one. Results are the same
                          either way. Threads-engine points always run one at a time, alone.
  --repeats N             runs per point; the report shows the median and flags noisy points
  --noise-threshold X     spread (max-min)/median above which a point is noisy (default 0.1)
  --workload a,b          workloads (lists allowed here)
  --engine threads,virtual engines (lists allowed here)
  --no-report             skip summary, charts and report (e.g. on shard machines)
  --print-spec            print the resolved sweep file and exit
Flags given with --preset or --file override its fields. Every percpu-lab run flag:
${scenarioFlagHelp().join('\n')}`;

export function sweepMain(argv: string[]): Promise<number> {
  return withBadInput('sweep', () => sweep(argv));
}

function progressFor(spec: SweepSpec, todoWeight: number, doneWeight: number): SweepProgress {
  if (process.stdout.isTTY) {
    return new BarProgress((p) => pointWeight(spec, p), todoWeight + doneWeight, doneWeight, process.stdout);
  }
  return new LineProgress((l) => process.stdout.write(`${l}\n`));
}

async function sweep(argv: string[]): Promise<number> {
  const { values: parsed } = parseCommandArgs('sweep', argv, {
    ...SCENARIO_FLAG_OPTIONS,
    preset: { type: 'string' },
    file: { type: 'string' },
    shard: { type: 'string' },
    jobs: { type: 'string' },
    repeats: { type: 'string' },
    'noise-threshold': { type: 'string' },
    'no-report': { type: 'boolean' },
    'print-spec': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  const values = parsed as Record<string, string | boolean | undefined>;
  if (values.help) {
    process.stdout.write(`${SWEEP_USAGE}\n`);
    return 0;
  }
  const spec = await resolveSweepSpec(values);
  if (values['print-spec']) {
    process.stdout.write(`${JSON.stringify(spec, null, 2)}\n`);
    return 0;
  }
  const shard = typeof values.shard === 'string' ? parseShard(values.shard) : undefined;
  const jobs = intFlag('jobs', values.jobs as string | undefined, availableParallelism(), 1, 1024);
  const out = typeof values.out === 'string' ? values.out : `results/sweep-${spec.name}`;
  const store = SweepStore.open(out, spec);

  const mine = shardPoints(sweepPoints(spec), shard);
  const weightOf = (done: boolean) => mine.filter((p) => store.has(p.key) === done).reduce((s, p) => s + pointWeight(spec, p), 0);
  const progress = progressFor(spec, weightOf(false), weightOf(true));
  let code = 0;
  try {
    const runner = engineRunner({ jobs, strategyFiles: Object.values(spec.strategyFiles ?? {}) });
    const log = (l: string) => process.stderr.write(`${l}\n`);
    const r = await runSweep(store, runner.run, { progress, now: () => performance.now(), jobs, log, ...(shard ? { shard } : {}) }).finally(
      () => runner.close(),
    );
    const where = shard ? ` (shard ${shard.index}/${shard.count})` : '';
    process.stdout.write(`sweep ${spec.name}${where}: ${r.total} points, ${r.skipped} already done, ${r.ran} run in ${(r.elapsedMs / 1000).toFixed(1)} s\n`);
  } catch (e) {
    if (!(e instanceof SweepPointFailed)) throw e;
    process.stderr.write(`percpu-lab sweep: ${e.message}\n`);
    code = 1;
  }
  if (!values['no-report']) {
    const written = await writeSweepReport(store, new Date().toISOString());
    process.stdout.write(`${reportTerminalLines(written).join('\n')}\n`);
  }
  return code;
}

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'run a scalability sweep (CPUs × strategies × workloads × engines) with charts and report.html',
  run: sweepMain,
};
