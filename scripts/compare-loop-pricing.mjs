#!/usr/bin/env node
// Runs one virtual-engine scenario twice — loops over CPUs priced in
// aggregate (the default) and line by line (PERCPU_LAB_EXACT_LOOPS=1, the
// reference) — and compares the two result JSONs, leaving out what may
// differ between any two runs (createdAt, the host facts with the simulation
// speed) and the reference's own note that it is one. Prints "identical", or
// every field that differs with the largest relative difference, and the
// host time of each run. Exit 0 when identical, 1 when not, 2 on bad usage.
// Run `pnpm build` first; the flags are those of `percpu-lab run` (the
// engine is virtual), e.g.
//   node scripts/compare-loop-pricing.mjs --strategy all --cpus 1,24,192 --machine-cpus 192 --sockets 2 --threads-per-core 2 --ops 500
//   node scripts/compare-loop-pricing.mjs --baseline   (the regression gate's scenario, baselines/README.md)
import { parseArgs } from 'node:util';
import { loadScenario } from '../packages/lab/dist/src/scenario/load.js';
import { runScenario } from '../packages/lab/dist/src/scenario/run.js';
import { SCENARIO_FLAG_OPTIONS } from '../packages/lab/dist/src/scenario/flags.js';
import { BASELINE_SCENARIO } from '../packages/lab/dist/src/check/baseline-scenario.js';
import { EXACT_LOOPS_ENV } from '../packages/lab/dist/src/engine/virtual/context.js';

let values;
try {
  ({ values } = parseArgs({ options: { ...SCENARIO_FLAG_OPTIONS, baseline: { type: 'boolean' } }, strict: true }));
} catch (e) {
  console.error(`compare-loop-pricing: ${e.message.split('\n')[0]}`);
  process.exit(2);
}
const { baseline, ...flags } = values;
const input = baseline
  ? Object.fromEntries(Object.entries(BASELINE_SCENARIO).map(([k, v]) => [k === 'strategies' ? 'strategy' : k, Array.isArray(v) ? v.join(',') : String(v)]))
  : { ...flags, engine: 'virtual' };

async function run(exact) {
  process.env[EXACT_LOOPS_ENV] = exact ? '1' : '0';
  const u0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runScenario(await loadScenario(input), { log() {} });
  const u = process.cpuUsage(u0);
  if (r.status !== 'complete') throw new Error(`the ${exact ? 'line-by-line' : 'aggregate'} run did not complete: ${r.failure?.message}`);
  return { r, wall: (performance.now() - t0) / 1000, cpu: (u.user + u.system) / 1e6 };
}

function comparable(r) {
  const { createdAt: _t, host: _h, ...rest } = r;
  return { ...rest, points: rest.points.map(({ engineInfo: { loopPricing: _l, ...info }, ...p }) => ({ ...p, engineInfo: info })) };
}

/** Every leaf that differs: path, both values, relative difference. */
function differences(a, b, path = '', out = []) {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    if (a !== b) out.push({ path, a, b, rel: typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) / Math.max(Math.abs(b), 1e-300) : Infinity });
    return out;
  }
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) differences(a[k], b[k], `${path}.${k}`, out);
  return out;
}

try {
  const agg = await run(false);
  const exact = await run(true);
  const points = agg.r.points.map((p) => `${p.strategy}/${p.cpus}`).join(' ');
  console.log(`scenario: ${baseline ? 'the regression baseline\'s' : JSON.stringify(input)}`);
  console.log(`points: ${points}`);
  console.log(`aggregate:    ${agg.cpu.toFixed(1)} s CPU, ${agg.wall.toFixed(1)} s wall`);
  console.log(`line by line: ${exact.cpu.toFixed(1)} s CPU, ${exact.wall.toFixed(1)} s wall`);
  const diffs = differences(comparable(agg.r), comparable(exact.r));
  if (diffs.length === 0) {
    console.log('results: identical (every field of the result JSON but createdAt and host)');
  } else {
    diffs.sort((x, y) => y.rel - x.rel);
    console.log(`results: ${diffs.length} fields differ; largest relative difference ${diffs[0].rel.toExponential(3)}`);
    for (const d of diffs.slice(0, 20)) console.log(`  ${d.path}: aggregate ${d.a}, line by line ${d.b}`);
  }
  process.exitCode = diffs.length === 0 ? 0 : 1;
} catch (e) {
  console.error(`compare-loop-pricing: ${e.message}`);
  process.exitCode = e.name === 'ScenarioError' ? 2 : 1;
}
