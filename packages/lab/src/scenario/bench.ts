// The default scenario run — the main job of `pnpm bench` and
// `percpu-lab bench`: a host check, then every bench case run through the
// same path as `percpu-lab run` on 1, 2, 4, … up to the host's cores
// (bench-plan.ts; a case with several rounds runs again on 1 and 2 CPUs),
// each case's scaling table, where baseline's pcpu_alloc_mutex starts to
// cost, and its lock waits at the largest count printed, every round
// written in full to its own output directory. The figures the project
// promises (the self-check) are returned, not printed: the callers print
// them last, under a heading that says they grade the lab, not the user's
// kernel. They are never asserted here: a noisy host must not fail a
// benchmark, it shows in the numbers.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { listStrategies } from '@percpu-lab/mm';
import { lockWaitTable } from '../report/lock-wait.js';
import { renderRun } from '../report/render.js';
import { scalingTable } from '../report/summary.js';
import { textTable } from '../report/table.js';
import { percent } from '../report/units.js';
import type { ResultPoint, RunResult } from '../results/schema.js';
import { writeResult } from '../results/write.js';
import { median } from '../stats/median.js';
import { benchCpuCounts, benchPlan, fixedCase, type PlannedCase } from './bench-plan.js';
import { ALLOCATOR_HEAVY_WORK_NS, BENCH_CASES, BENCH_POINT_SECONDS, HOST_CHECK } from './default.js';
import { runScenario } from './run.js';
import type { Scenario } from './schema.js';
import { parseScenario } from './validate.js';

export interface BenchOptions {
  /** Each case (and round) writes into a subdirectory of this. */
  outDir: string;
  /** Report lines (stdout). */
  print(line: string): void;
  /** Progress lines (stderr). */
  log(line: string): void;
  /** CPU counts given on the command line (raw `--cpus` values, validated here); default: benchCpuCounts(cores). */
  cpus?: readonly unknown[];
  /** Host cores the default CPU counts go up to; default: availableParallelism(). */
  cores?: number;
}

export interface BenchOutcome {
  /** Every round of every case, in order. */
  results: RunResult[];
  /** CPU counts the cases' first rounds measured. */
  cpus: number[];
  /** Seconds each point measured. */
  pointSeconds: number;
  /** Speedup of 2 CPUs of nearly pure local work over 1 on this host, measured first; null if that run failed. */
  hostCeiling: number | null;
  /** Lines of the self-check: the acceptance figures measured in this run. */
  acceptance: string[];
  /** True when every case ran completely and passed its checks. */
  ok: boolean;
}

/** Heading of the self-check section, which every caller prints after all results. */
export const SELF_CHECK_HEADING = [
  "=== self-check: percpu-lab's own targets ===",
  'How this run compares with figures the lab promises for its emulation on a quiet host. NOT MET says the lab,',
  'or this host at this moment (busy or noisy cores), fell short of them; it says nothing about your kernel.',
];

const SLAB_DTOR_TARGET = 1.8;
/** "Clearly lower": the baseline's speedup at least this far below slab-dtor's. */
const CLEARLY_LOWER = 0.15;
/** The wait share at which a lock is said to start costing. */
const WAIT_SHARE_NOTABLE = 0.05;

function point(r: RunResult, strategy: string, cpus: number): ResultPoint | undefined {
  return r.points.find((p) => p.strategy === strategy && p.cpus === cpus);
}

/** The median, or null when no round measured the figure (printed "n/a"). */
function medianOrNull(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : median(xs);
}

/** Per strategy, the 2-CPU speedup of each round (a round's 1- and 2-CPU points ran back to back) and their median. */
export function roundSpeedups(rounds: readonly RunResult[], strategy: string): { perRound: number[]; median: number | null } {
  const perRound = rounds.flatMap((r) => {
    const s = point(r, strategy, 2)?.speedup;
    return s == null ? [] : [s];
  });
  return { perRound, median: medianOrNull(perRound) };
}

const x = (v: number | null | undefined) => (v == null ? 'n/a' : `${v.toFixed(2)}x`);

function medianTable(rounds: readonly RunResult[]): string[] {
  const strategies = [...new Set(rounds.flatMap((r) => r.points.map((p) => p.strategy)))];
  return textTable(
    [{ title: 'strategy' }, { title: 'speedup@2 per round', right: true }, { title: 'median', right: true }],
    strategies.map((s) => {
      const r = roundSpeedups(rounds, s);
      return [s, r.perRound.map((v) => x(v)).join(' '), x(r.median)];
    }),
    '  ',
  );
}

/**
 * The smallest CPU count at which `strategy` waits on `lock` for more than
 * `threshold` of its CPU time, with the share there and at the count before.
 */
export function waitShareCrossing(points: readonly ResultPoint[], strategy: string, lock: string, threshold: number): string {
  const series = points.filter((p) => p.strategy === strategy).sort((a, b) => a.cpus - b.cpus)
    .map((p) => ({ cpus: p.cpus, share: p.locks[lock]?.waitShare ?? 0 }));
  if (series.length === 0) return `${strategy} did not run`;
  const i = series.findIndex((s) => s.share > threshold);
  const at = (s: { cpus: number; share: number }) => `${percent(s.share)} at ${s.cpus} CPU${s.cpus > 1 ? 's' : ''}`;
  if (i === -1) {
    const top = series.reduce((a, b) => (b.share > a.share ? b : a));
    return `${strategy}: ${lock} wait stays at or below ${percent(threshold, 0)} of CPU time up to ${series.at(-1)!.cpus} CPUs ` +
      `(${top.share > 0 ? `most: ${at(top)}` : 'no wait at any count'})`;
  }
  const before = i > 0 ? `; ${at(series[i - 1]!)}` : '';
  return `${strategy}: ${lock} wait first passes ${percent(threshold, 0)} of CPU time at ${series[i]!.cpus} CPUs (${at(series[i]!)}${before})`;
}

/** The acceptance figures of the allocator-heavy case (medians over its rounds), next to the host's ceiling. */
export function acceptanceLines(heavy: readonly RunResult[], hostCeiling: number | null): string[] {
  const dtor = roundSpeedups(heavy, 'slab-dtor').median;
  const base = roundSpeedups(heavy, 'baseline').median;
  const verdict = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? 'MET' : 'NOT MET').padEnd('NOT MET'.length);
  const contentions = medianOrNull(heavy.flatMap((r) => {
    const c = point(r, 'baseline', 2)?.locks.pcpu_alloc_mutex?.contentions;
    return c === undefined ? [] : [c];
  }));
  const lower = dtor === null || base === null ? null : base <= dtor - CLEARLY_LOWER;
  return [
    `allocator-heavy case (--work-ns ${ALLOCATOR_HEAVY_WORK_NS}), medians over ${heavy.length} round(s) of this run:`,
    `  host ceiling: 2 CPUs of nearly pure local work reached ${x(hostCeiling)} of 1 CPU just before the cases (ideal 2x)`,
    `  ${verdict(dtor === null ? null : dtor >= SLAB_DTOR_TARGET)}  slab-dtor speedup at 2 CPUs: ${x(dtor)} (target >= ${SLAB_DTOR_TARGET}x)`,
    `  ${verdict(contentions === null ? null : contentions > 0)}  baseline pcpu_alloc_mutex contentions at 2 CPUs: ${contentions ?? 'n/a'} (target > 0)`,
    `  ${verdict(lower)}  baseline speedup at 2 CPUs: ${x(base)} vs slab-dtor ${x(dtor)} (target: lower by ${CLEARLY_LOWER} or more)`,
  ];
}

function scenarioOf(c: PlannedCase, cpus: readonly number[], given: boolean): Scenario {
  const strategies = listStrategies().map((s) => s.name);
  const input = { ...c.input, cpus, duration: c.pointSeconds };
  return parseScenario(input, { file: 'built-in bench scenario', fromFlags: new Set(given ? ['cpus'] : []), strategies });
}

/** What a case's first round tells: the scaling table, where baseline's mutex starts to cost, the lock waits at the top count. */
function caseLines(r: RunResult): string[] {
  const top = Math.max(...r.points.map((p) => p.cpus));
  const lines = [];
  if (r.workNs !== null) lines.push(`work per cycle: ${r.workNs.value} ns (${r.workNs.derived ? 'derived, see report.txt' : 'given'}), footprint ${r.workFootprint ?? 0} B`);
  if (r.oversubscription !== '') lines.push(r.oversubscription);
  lines.push(
    '', 'throughput (lifetimes/s) and speedup over 1 CPU:', ...scalingTable(r.points),
    '', waitShareCrossing(r.points, 'baseline', 'pcpu_alloc_mutex', WAIT_SHARE_NOTABLE),
    '', `lock wait at ${top} CPUs (share of CPU time waiting, per lock class):`,
    ...lockWaitTable(r.points.filter((p) => p.cpus === top), '  '),
  );
  if (r.status !== 'complete') lines.push('', `RUN FAILED — results are PARTIAL: ${r.failure?.point ?? ''} ${r.failure?.message ?? 'points missing'}`);
  return lines;
}

/** Run every round of a case; the first prints its findings, later ones their scaling table. */
async function runCase(c: PlannedCase, name: string, given: boolean, opts: BenchOptions): Promise<RunResult[]> {
  const rounds: RunResult[] = [];
  const total = c.laterCpus.length === 0 ? 1 : c.rounds;
  for (let r = 1; r <= total; r++) {
    const result = await runScenario(scenarioOf(c, r === 1 ? c.cpus : c.laterCpus, given), { log: opts.log });
    const dir = join(opts.outDir, total === 1 ? name : `${name}-round${r}`);
    writeResult(dir, result, renderRun(result, 'full'));
    if (r === 1) for (const l of caseLines(result)) opts.print(l);
    else opts.print(['', `round ${r} of ${total} (${c.laterCpus.join(' and ')} CPUs):`, ...scalingTable(result.points)].join('\n'));
    opts.print(`written: ${dir}/`);
    rounds.push(result);
    if (result.partial) break;
  }
  if (rounds.length > 1) opts.print(['', `speedups at 2 CPUs over ${rounds.length} rounds:`, ...medianTable(rounds)].join('\n'));
  return rounds;
}

/**
 * The CPU counts the main job measures: `given` (raw `--cpus` values) checked
 * through the scenario schema — a ScenarioError naming --cpus — and sorted,
 * else 1, 2, 4, … up to `cores`. Callers may run it before anything else so
 * a bad list fails at once.
 */
export function benchCpus(given: readonly unknown[] | undefined, cores = availableParallelism()): number[] {
  if (given === undefined) return benchCpuCounts(cores);
  const probe = benchPlan(BENCH_CASES, [1], 1).cases[0]!;
  return [...scenarioOf(probe, given as number[], true).cpus].sort((a, b) => a - b);
}

export async function runBench(opts: BenchOptions): Promise<BenchOutcome> {
  const cores = opts.cores ?? availableParallelism();
  const given = opts.cpus !== undefined;
  const cpus = benchCpus(opts.cpus, cores);
  const plan = benchPlan(BENCH_CASES, cpus, listStrategies().length);
  for (const c of plan.cases) scenarioOf(c, c.cpus, given);

  opts.print(`main job: doexec on ${cpus.join(', ')} CPUs (${given ? 'given by --cpus' : `up to this host's ${cores} cores`}), ` +
    `every strategy, threads engine`);
  opts.print(`  ${plan.points} points measuring ${plan.pointSeconds} s each` +
    (plan.scaledDown ? ` (scaled down from ${BENCH_POINT_SECONDS} s so the job stays near 3 minutes on 16 cores)` : '') +
    ', plus start-up and warm-up per point');
  opts.print("  each case and round writes result.json (every CPU's figures), points.csv, locks.csv and report.txt");
  opts.print(`  (every point's tables) to its own directory in ${opts.outDir}`);
  const t0 = performance.now();
  const [check] = await runCase(fixedCase(HOST_CHECK), 'host-check', false, { ...opts, print: () => {} });
  const hostCeiling = check === undefined ? null : (point(check, 'slab-dtor', 2)?.speedup ?? null);
  opts.print(`${HOST_CHECK.title}: ${x(hostCeiling)}`);
  const results: RunResult[] = [];
  let heavy: RunResult[] = [];
  for (const [i, c] of plan.cases.entries()) {
    opts.print('');
    opts.print(`=== bench case ${i + 1}/${plan.cases.length}: ${c.title} ===`);
    const rounds = await runCase(c, `case${i + 1}`, given, opts);
    results.push(...rounds);
    if (c.input.workNs === ALLOCATOR_HEAVY_WORK_NS) heavy = rounds;
    if (rounds.some((r) => r.partial)) break;
  }
  opts.print('');
  opts.print(`main job: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const acceptance = heavy.length === 0 ? ['the allocator-heavy case did not run'] : acceptanceLines(heavy, hostCeiling);
  const expected = plan.cases.reduce((n, c) => n + (c.laterCpus.length === 0 ? 1 : c.rounds), 0);
  const ok = results.length === expected && results.every((r) => !r.partial);
  return { results, cpus, pointSeconds: plan.pointSeconds, hostCeiling, acceptance, ok };
}
