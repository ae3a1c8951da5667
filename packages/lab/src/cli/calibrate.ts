// `percpu-lab calibrate`: measure this host and write the virtual engine's
// `calibrated` cost profile (calibrate/calibrate.ts says what is measured,
// what is fitted, and why the fit uses the 1-CPU points only). Progress to
// stderr; the figures and residuals (or, with --json, one JSON object) to
// stdout. Exit 0 written, 1 an engine run failed (nothing written), 2 bad
// usage.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus as hostCpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { listStrategies } from '@percpu-lab/mm';
import { calibrate } from '../calibrate/calibrate.js';
import { EngineRunFailed } from '../calibrate/errors.js';
import { measureHostFigures } from '../calibrate/host-figures.js';
import { DEFAULT_WORK, footprintFlags, operatingPoints, runFlags, THREADS_RATES } from '../calibrate/points.js';
import { calibrationLines } from '../calibrate/report.js';
import { builtinProfilePath, parseProfile, type ProfileFile } from '../cost-model/index.js';
import { DEFAULT_WORK_FOOTPRINT } from '../scenario/schema.js';
import { withBadInput } from '../sweep/bad-input.js';
import { choiceFlag, intFlag, parseCommandArgs } from './args.js';
import type { Command } from './command.js';
import { RunFailed, UsageError } from './errors.js';
import { cpuList, footprintList, POINT_FLAG_OPTIONS, preflight, THREADS_RATE_HELP, workList } from './point-flags.js';

const DEFAULT_OPS = 5000;
const DEFAULT_REPEATS = 3;
const DEFAULT_FOOTPRINTS = ['0', DEFAULT_WORK_FOOTPRINT];

export const CALIBRATE_USAGE = `usage: percpu-lab calibrate [--out FILE] [--work-ns LIST] [--footprints LIST] [--cpus LIST]
                           [--ops N] [--repeats N] [--threads-rate R] [--json]

Measure this host and write the virtual engine's calibrated cost profile, so that
--engine virtual --profile calibrated reproduces what the threads engine measures here.
Lock pairs, atomics, cache-line hand-off, sleep/wake and the mutex spin window are
measured directly; every other price is fitted (non-negative least squares on
relative error) to the threads engine's time per mm lifetime of every strategy at
the 1-CPU operating points (doexec, each work-ns x footprint). The points at more
CPUs check the fitted profile. Prints each fitted figure and, per operating point
and strategy, threads vs calibrated virtual time per lifetime with its error.

  --out FILE        profile to write (default ${builtinProfilePath('calibrated')})
  --work-ns LIST    exec work per cycle of the operating points: numbers and/or derived
                    (derived once on the threads engine; default ${DEFAULT_WORK.join(',')})
  --footprints LIST work footprints, passed to every run as --work-footprint (default
                    ${DEFAULT_FOOTPRINTS.join(',')}: with no footprint and the scenario default, so the
                    footprint's own price is told apart from the allocators')
  --cpus LIST       CPU counts (default 1,${availableParallelism()}: 1 and this host's cores); 1 is fitted, the rest checked
  --ops N           threads-engine lifetimes per CPU per run (default ${DEFAULT_OPS})
  --repeats N       threads-engine runs per point, median kept (default ${DEFAULT_REPEATS})
${THREADS_RATE_HELP}
  --json            print {profile, fit, points} as JSON instead of the text

exit status: 0 profile written, 1 an engine run failed (nothing written), 2 bad usage`;

const OPTIONS = { ...POINT_FLAG_OPTIONS, out: { type: 'string' }, cpus: { type: 'string' } } as const;

export function calibrateMain(argv: string[]): Promise<number> {
  return withBadInput('calibrate', () => run(argv));
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('calibrate', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(`${CALIBRATE_USAGE}\n`);
    return 0;
  }
  const cores = availableParallelism();
  const work = workList(values['work-ns'], DEFAULT_WORK);
  const footprints = footprintList(values.footprints, DEFAULT_FOOTPRINTS);
  const cpus = cpuList(values.cpus, [...new Set([1, cores])], 64);
  if (!cpus.includes(1)) throw new UsageError('--cpus must include 1 (the fitted points)');
  const ops = intFlag('ops', values.ops, DEFAULT_OPS, 1, 10_000_000);
  const repeats = intFlag('repeats', values.repeats, DEFAULT_REPEATS, 1, 100);
  const rate = choiceFlag('threads-rate', values['threads-rate'], THREADS_RATES, 'wall');
  const out = values.out ?? builtinProfilePath('calibrated');
  const strategies = listStrategies().map((s) => s.name);
  await preflight(operatingPoints(work, footprints, cpus).map((p) => ({ workload: 'doexec', strategy: strategies.join(','), cpus: String(p.cpus), ...footprintFlags(p.footprint) })));

  const log = (l: string) => process.stderr.write(`${l}\n`);
  const model = hostCpus()[0]?.model.trim() ?? 'unknown CPU';
  const host = `${model}, ${cores} cores, Node ${process.version}`;
  const load = loadavg()[0]!;
  log(`calibrating on ${host} (load average ${load.toFixed(2)})`);
  const base = JSON.parse(readFileSync(builtinProfilePath('kernel'), 'utf8')) as ProfileFile;
  const scratchDir = mkdtempSync(join(tmpdir(), 'percpu-lab-calibrate-'));
  const t0 = performance.now();
  try {
    const figures = await measureHostFigures();
    const describe = `Measured by percpu-lab calibrate on ${host}, ${new Date().toISOString()}, load average ${load.toFixed(2)}. ` +
      'Reproduces the threads engine on this host; not a model of a kernel.';
    const c = await calibrate({ runner: runFlags, figures, base, strategies, work, footprints, cpus, ops, repeats, rate, scratchDir, describe, log });
    parseProfile(c.profile, out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(c.profile, null, 2)}\n`);
    const seconds = (performance.now() - t0) / 1000;
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ out, seconds, threadsRate: rate, loadAverage: { before: load, after: loadavg()[0] }, figures, ...c }, null, 2)}\n`);
    } else {
      const lines = [`calibrated on ${host}; load average ${load.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after; threads engine ${rate === 'wall' ? 'wall-clock' : 'on-core'} rate`, ...calibrationLines(c, figures)];
      process.stdout.write(`${[...lines, `written ${out} (${seconds.toFixed(0)} s)`].join('\n')}\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof EngineRunFailed) throw new RunFailed(`${e.message}; nothing written`);
    throw e;
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

export const calibrateCommand: Command = {
  name: 'calibrate',
  summary: "measure this host and write the virtual engine's calibrated cost profile",
  run: calibrateMain,
};
