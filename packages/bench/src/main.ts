// `pnpm bench`: runs every registered microbenchmark suite in order,
// printing each one's table, then the main job — the built-in scenario run
// of `percpu-lab bench` (doexec, every strategy, on 1, 2, 4, … CPUs up to
// this host's cores) — and last the self-check: the targets the project
// sets for its own emulation (MET / NOT MET), under a heading that says so,
// so nobody reads them as a verdict on their kernel. All figures go as one
// JSON object to results/bench-<timestamp>.json (results/ is not
// committed). Exit 1 only if a scenario run fails, 2 for bad usage;
// targets are printed, never enforced.
//
// To add a suite: write src/<area>/<what>.bench.ts exporting
// `export const suite: BenchSuite`, then add ONE import line and ONE entry
// in SUITES below. `pnpm bench <substring>` runs only the suites whose
// name contains the substring, and skips the main job unless --cpus is
// given; `pnpm bench -- --cpus 1,8,16` sets the main job's CPU counts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatSuite, formatTarget } from './format.js';
import type { BenchSuite, SuiteResult } from './suite.js';
import { suite as locksUncontended } from './locks/uncontended.bench.js';
import { suite as locksContended } from './locks/contended.bench.js';
import { suite as slabMm } from './slab-mm/lifetimes.bench.js';
import { suite as percpuAllocFree } from './percpu/alloc-free.bench.js';
import { suite as virtualSpeed } from './virtual/simulation-speed.bench.js';
import { benchCpus, runBench, ScenarioError, scenarioFromFlags, SELF_CHECK_HEADING } from '@percpu-lab/lab';

const SUITES: BenchSuite[] = [
  locksUncontended,
  locksContended,
  slabMm,
  percpuAllocFree,
  virtualSpeed,
];

const RESULTS_DIR = new URL('../../../../results/', import.meta.url);

class BenchUsageError extends Error {
  override name = 'BenchUsageError';
}

interface Args {
  only: string[];
  /** Validated CPU counts from --cpus, or undefined for the host's default list. */
  cpus: number[] | undefined;
}

function parse(argv: string[]): Args {
  // `pnpm bench -- --cpus …` hands the separator on; it ends nothing here.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  let parsed;
  try {
    parsed = parseArgs({ args, options: { cpus: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new BenchUsageError(`${e instanceof Error ? e.message.split(/\.\s/)[0] : String(e)} (usage: pnpm bench [SUITE…] [-- --cpus LIST])`);
  }
  const raw = scenarioFromFlags({ cpus: parsed.values.cpus }).raw['cpus'] as unknown[] | undefined;
  return { only: parsed.positionals, cpus: raw === undefined ? undefined : benchCpus(raw) };
}

function selfCheck(results: Record<string, SuiteResult>, acceptance: string[] | null): string[] {
  const lines = ['', ...SELF_CHECK_HEADING];
  const all = Object.values(results).flatMap((r) => r.targets);
  for (const [name, r] of Object.entries(results)) {
    if (r.targets.length > 0) lines.push(`${name}:`, ...r.targets.map((t) => `  ${formatTarget(t)}`));
  }
  if (acceptance !== null) lines.push(...acceptance);
  const unmet = all.filter((t) => !t.met).length;
  lines.push(`microbenchmark targets: ${all.length - unmet} of ${all.length} met`);
  return lines;
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parse(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof BenchUsageError || e instanceof ScenarioError)) throw e;
    for (const l of e instanceof ScenarioError ? e.lines : [e.message]) console.error(`pnpm bench: ${l}`);
    return 2;
  }
  const { only, cpus } = args;
  const selected = only.length === 0 ? SUITES : SUITES.filter((s) => only.some((o) => s.name.includes(o)));
  if (selected.length === 0) {
    console.error(`pnpm bench: no suite matches ${only.join(' ')}; suites are ${SUITES.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const results: Record<string, SuiteResult & { seconds: number }> = {};
  for (const s of selected) {
    const t0 = performance.now();
    const r = await s.run();
    const seconds = (performance.now() - t0) / 1000;
    results[s.name] = { ...r, seconds };
    console.log(`${formatSuite(s.name, s.description, r)}\n(${seconds.toFixed(1)} s)\n`);
  }
  // The main job, after the microbenchmarks: the built-in scenario run (`percpu-lab bench`).
  const scenario = only.length > 0 && cpus === undefined ? null : await runBench({
    outDir: fileURLToPath(new URL(`bench-${stamp}-scenario/`, RESULTS_DIR)),
    print: (l) => console.log(l),
    log: (l) => console.error(l),
    ...(cpus === undefined ? {} : { cpus }),
  });
  const report = {
    startedAt: startedAt.toISOString(),
    host: { cores: availableParallelism(), node: process.version, platform: process.platform, arch: process.arch },
    suites: results,
    scenario: scenario && { ok: scenario.ok, cpus: scenario.cpus, pointSeconds: scenario.pointSeconds, acceptance: scenario.acceptance },
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = new URL(`bench-${stamp}.json`, RESULTS_DIR);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  console.log(`figures written to ${fileURLToPath(file)}`);
  for (const l of selfCheck(results, scenario && scenario.acceptance)) console.log(l);
  return scenario === null || scenario.ok ? 0 : 1;
}

process.exitCode = await main();
