// The default scenario run — the main job of `pnpm bench` and
// `percpu-lab bench`: every bench case run through the same path as
// `percpu-lab run`, each case's summary printed and written to its own
// output directory, then the acceptance figures the project promises,
// printed with the measured values (never asserted here: a noisy host
// must not fail a benchmark, it shows in the numbers).
import { join } from 'node:path';
import { listStrategies } from '@percpu-lab/mm';
import { renderRun } from '../report/render.js';
import type { ResultPoint, RunResult } from '../results/schema.js';
import { writeResult } from '../results/write.js';
import { ALLOCATOR_HEAVY_WORK_NS, BENCH_CASES, HOST_CHECK, type BenchCase } from './default.js';
import { runScenario } from './run.js';
import { parseScenario } from './validate.js';

export interface BenchOptions {
  /** Each case writes into a subdirectory of this. */
  outDir: string;
  /** Report lines (stdout). */
  print(line: string): void;
  /** Progress lines (stderr). */
  log(line: string): void;
}

export interface BenchOutcome {
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

/** The acceptance figures of the allocator-heavy case, as measured, with the host's ceiling (null if unmeasured). */
export function acceptanceLines(heavy: RunResult, hostCeiling: number | null): string[] {
  const dtor = point(heavy, 'slab-dtor', 2);
  const base = point(heavy, 'baseline', 2);
  const x = (v: number | null | undefined) => (v == null ? 'n/a' : `${v.toFixed(2)}x`);
  const verdict = (ok: boolean | null) => (ok === null ? 'not measured' : ok ? 'met' : 'NOT met');
  const dtorOk = dtor?.speedup == null ? null : dtor.speedup >= SLAB_DTOR_TARGET;
  const contentions = base?.locks.pcpu_alloc_mutex?.contentions ?? null;
  const lower = dtor?.speedup == null || base?.speedup == null ? null : base.speedup <= dtor.speedup - CLEARLY_LOWER;
  return [
    `acceptance, allocator-heavy case (--work-ns ${ALLOCATOR_HEAVY_WORK_NS}), measured in this run:`,
    `  host ceiling: 2 CPUs of nearly pure local work reached ${x(hostCeiling)} of 1 CPU just before the cases (ideal 2x)`,
    `  slab-dtor speedup at 2 CPUs: ${x(dtor?.speedup)} (target >= ${SLAB_DTOR_TARGET}x): ${verdict(dtorOk)}`,
    `  baseline pcpu_alloc_mutex contentions at 2 CPUs: ${contentions ?? 'n/a'} (target > 0): ${verdict(contentions === null ? null : contentions > 0)}`,
    `  baseline speedup at 2 CPUs: ${x(base?.speedup)} vs slab-dtor ${x(dtor?.speedup)} (target: clearly lower, by ${CLEARLY_LOWER} or more): ${verdict(lower)}`,
  ];
}

async function runCase(c: BenchCase, opts: BenchOptions): Promise<RunResult> {
  const strategies = listStrategies().map((s) => s.name);
  const scenario = parseScenario(c.input, { file: 'built-in bench scenario', fromFlags: new Set(), strategies });
  return runScenario(scenario, { log: opts.log });
}

export async function runBench(opts: BenchOptions): Promise<BenchOutcome> {
  const check = await runCase(HOST_CHECK, opts);
  const hostCeiling = point(check, 'slab-dtor', 2)?.speedup ?? null;
  opts.print(`${HOST_CHECK.title}: ${hostCeiling === null ? 'failed' : `${hostCeiling.toFixed(2)}x`}`);
  const results: RunResult[] = [];
  for (const [i, c] of BENCH_CASES.entries()) {
    opts.print('');
    opts.print(`=== bench case ${i + 1}/${BENCH_CASES.length}: ${c.title} ===`);
    const result = await runCase(c, opts);
    const lines = renderRun(result, 'summary');
    for (const l of lines) opts.print(l);
    const dir = join(opts.outDir, `case${i + 1}`);
    writeResult(dir, result, renderRun(result, 'full'));
    opts.print(`written: ${dir}/result.json (+ points.csv, locks.csv, report.txt)`);
    results.push(result);
    if (result.partial) break;
  }
  const heavy = results.find((r) => r.workNs?.value === ALLOCATOR_HEAVY_WORK_NS && !r.workNs.derived);
  const acceptance = heavy === undefined ? ['acceptance: the allocator-heavy case did not run'] : acceptanceLines(heavy, hostCeiling);
  opts.print('');
  for (const l of acceptance) opts.print(l);
  const ok = results.length === BENCH_CASES.length && results.every((r) => !r.partial && r.failure === null);
  return { results, hostCeiling, acceptance, ok };
}
