// `pnpm bench`: runs every registered microbenchmark suite in order,
// printing each one's table and targets, then the main job — the built-in
// scenario run of `percpu-lab bench` (doexec, every strategy) — and writes
// all figures as one JSON object to results/bench-<timestamp>.json
// (results/ is not committed). Exit 1 only if the scenario run fails;
// targets are printed, not enforced.
//
// To add a suite: write src/<area>/<what>.bench.ts exporting
// `export const suite: BenchSuite`, then add ONE import line and ONE entry
// in SUITES below. `pnpm bench <substring>` runs only the suites whose
// name contains the substring, and skips the scenario run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatSuite } from './format.js';
import type { BenchSuite, SuiteResult } from './suite.js';
import { suite as locksUncontended } from './locks/uncontended.bench.js';
import { suite as locksContended } from './locks/contended.bench.js';
import { suite as slabMm } from './slab-mm/lifetimes.bench.js';
import { suite as percpuAllocFree } from './percpu/alloc-free.bench.js';
import { runBench } from '@percpu-lab/lab';

const SUITES: BenchSuite[] = [
  locksUncontended,
  locksContended,
  slabMm,
  percpuAllocFree,
];

const RESULTS_DIR = new URL('../../../../results/', import.meta.url);

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  const selected = only.length === 0 ? SUITES : SUITES.filter((s) => only.some((o) => s.name.includes(o)));
  if (selected.length === 0) {
    console.error(`percpu-lab bench: no suite matches ${only.join(' ')}; suites are ${SUITES.map((s) => s.name).join(', ')}`);
    return 2;
  }
  const startedAt = new Date();
  const results: Record<string, SuiteResult & { seconds: number }> = {};
  for (const s of selected) {
    const t0 = performance.now();
    const r = await s.run();
    const seconds = (performance.now() - t0) / 1000;
    results[s.name] = { ...r, seconds };
    console.log(`${formatSuite(s.name, s.description, r)}\n(${seconds.toFixed(1)} s)\n`);
  }
  // The main job, after the microbenchmarks: the built-in scenario run (`percpu-lab bench`), on a full `pnpm bench` only.
  const scenario = only.length > 0 ? null : await runBench({
    outDir: fileURLToPath(new URL(`bench-${startedAt.toISOString().replace(/[:.]/g, '-')}-scenario/`, RESULTS_DIR)),
    print: (l) => console.log(l),
    log: (l) => console.error(l),
  });
  const report = {
    startedAt: startedAt.toISOString(),
    host: { cores: availableParallelism(), node: process.version, platform: process.platform, arch: process.arch },
    suites: results,
    scenario: scenario && { ok: scenario.ok, acceptance: scenario.acceptance },
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = new URL(`bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`, RESULTS_DIR);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  const unmet = Object.values(results).flatMap((r) => r.targets.filter((t) => !t.met));
  console.log(`figures written to ${fileURLToPath(file)}`);
  console.log(unmet.length === 0 ? 'all targets met' : `${unmet.length} target(s) not met`);
  return scenario === null || scenario.ok ? 0 : 1;
}

process.exitCode = await main();
