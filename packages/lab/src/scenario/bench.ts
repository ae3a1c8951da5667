// The default scenario run — the main job of `pnpm bench` and
// `percpu-lab bench`: a host check, then every bench case run through the
// same path as `percpu-lab run` (a case with several rounds runs whole
// several times), each round's summary printed and written to its own
// output directory, then the acceptance figures the project promises,
// printed with the measured values (never asserted here: a noisy host
// must not fail a benchmark, it shows in the numbers).
import { join } from 'node:path';
import { listStrategies } from '@percpu-lab/mm';
import { renderRun } from '../report/render.js';
import { scalingTable } from '../report/summary.js';
import { textTable } from '../report/table.js';
import type { ResultPoint, RunResult } from '../results/schema.js';
import { writeResult } from '../results/write.js';
import { ALLOCATOR_HEAVY_WORK_NS, BENCH_CASES, HOST_CHECK, type BenchCase } from './default.js';
import { runScenario } from './run.js';
import { parseScenario } from './validate.js';

export interface BenchOptions {
  /** Each case (and round) writes into a subdirectory of this. */
  outDir: string;
  /** Report lines (stdout). */
  print(line: string): void;
  /** Progress lines (stderr). */
  log(line: string): void;
}

export interface BenchOutcome {
  /** Every round of every case, in order. */
  results: RunResult[];
  /** Speedup of 2 CPUs of nearly pure local work over 1 on this host, measured first; null if that run failed. */
  hostCeiling: number | null;
  /** Lines of the acceptance block. */
  acceptance: string[];
  /** True when every case ran completely and passed its checks. */
  ok: boolean;
}

const SLAB_DTOR_TARGET = 1.8;
/** "Clearly lower": the baseline's speedup at least this far below slab-dtor's. */
const CLEARLY_LOWER = 0.15;

function point(r: RunResult, strategy: string, cpus: number): ResultPoint | undefined {
  return r.points.find((p) => p.strategy === strategy && p.cpus === cpus);
}

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Per strategy, the 2-CPU speedup of each round (a round's 1- and 2-CPU points ran back to back) and their median. */
export function roundSpeedups(rounds: readonly RunResult[], strategy: string): { perRound: number[]; median: number | null } {
  const perRound = rounds.flatMap((r) => {
    const s = point(r, strategy, 2)?.speedup;
    return s == null ? [] : [s];
  });
  return { perRound, median: median(perRound) };
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

/** The acceptance figures of the allocator-heavy case (medians over its rounds), next to the host's ceiling. */
export function acceptanceLines(heavy: readonly RunResult[], hostCeiling: number | null): string[] {
  const dtor = roundSpeedups(heavy, 'slab-dtor').median;
  const base = roundSpeedups(heavy, 'baseline').median;
  const verdict = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? 'met' : 'NOT met');
  const contentions = median(heavy.flatMap((r) => {
    const c = point(r, 'baseline', 2)?.locks.pcpu_alloc_mutex?.contentions;
    return c === undefined ? [] : [c];
  }));
  const lower = dtor === null || base === null ? null : base <= dtor - CLEARLY_LOWER;
  return [
    `acceptance, allocator-heavy case (--work-ns ${ALLOCATOR_HEAVY_WORK_NS}), medians over ${heavy.length} round(s) of this run:`,
    `  host ceiling: 2 CPUs of nearly pure local work reached ${x(hostCeiling)} of 1 CPU just before the cases (ideal 2x)`,
    `  slab-dtor speedup at 2 CPUs: ${x(dtor)} (target >= ${SLAB_DTOR_TARGET}x): ${verdict(dtor === null ? null : dtor >= SLAB_DTOR_TARGET)}`,
    `  baseline pcpu_alloc_mutex contentions at 2 CPUs: ${contentions ?? 'n/a'} (target > 0): ${verdict(contentions === null ? null : contentions > 0)}`,
    `  baseline speedup at 2 CPUs: ${x(base)} vs slab-dtor ${x(dtor)} (target: clearly lower, by ${CLEARLY_LOWER} or more): ${verdict(lower)}`,
  ];
}

async function runOnce(c: BenchCase, opts: BenchOptions): Promise<RunResult> {
  const strategies = listStrategies().map((s) => s.name);
  const scenario = parseScenario(c.input, { file: 'built-in bench scenario', fromFlags: new Set(), strategies });
  return runScenario(scenario, { log: opts.log });
}

/** Run every round of a case; the first round prints in full, later ones their scaling table. */
async function runCase(c: BenchCase, name: string, opts: BenchOptions): Promise<RunResult[]> {
  const rounds: RunResult[] = [];
  for (let r = 1; r <= c.rounds; r++) {
    const result = await runOnce(c, opts);
    const dir = join(opts.outDir, c.rounds === 1 ? name : `${name}-round${r}`);
    writeResult(dir, result, renderRun(result, 'full'));
    if (r === 1) for (const l of renderRun(result, 'summary')) opts.print(l);
    else opts.print(['', `round ${r} of ${c.rounds}:`, ...scalingTable(result.points)].join('\n'));
    opts.print(`written: ${dir}/result.json (+ points.csv, locks.csv, report.txt)`);
    rounds.push(result);
    if (result.partial) break;
  }
  if (c.rounds > 1) opts.print(['', `speedups over ${rounds.length} rounds:`, ...medianTable(rounds)].join('\n'));
  return rounds;
}

export async function runBench(opts: BenchOptions): Promise<BenchOutcome> {
  const [check] = await runCase(HOST_CHECK, 'host-check', { ...opts, print: () => {} });
  const hostCeiling = check === undefined ? null : (point(check, 'slab-dtor', 2)?.speedup ?? null);
  opts.print(`${HOST_CHECK.title}: ${x(hostCeiling)}`);
  const results: RunResult[] = [];
  let heavy: RunResult[] = [];
  for (const [i, c] of BENCH_CASES.entries()) {
    opts.print('');
    opts.print(`=== bench case ${i + 1}/${BENCH_CASES.length}: ${c.title}${c.rounds > 1 ? `, ${c.rounds} rounds` : ''} ===`);
    const rounds = await runCase(c, `case${i + 1}`, opts);
    results.push(...rounds);
    if (c.input.workNs === ALLOCATOR_HEAVY_WORK_NS) heavy = rounds;
    if (rounds.some((r) => r.partial)) break;
  }
  const acceptance = heavy.length === 0 ? ['acceptance: the allocator-heavy case did not run'] : acceptanceLines(heavy, hostCeiling);
  opts.print('');
  for (const l of acceptance) opts.print(l);
  const expected = BENCH_CASES.reduce((n, c) => n + c.rounds, 0);
  const ok = results.length === expected && results.every((r) => !r.partial);
  return { results, hostCeiling, acceptance, ok };
}
