#!/usr/bin/env node
// Does the virtual engine, priced with this host's calibrated profile,
// predict what the threads engine measures here? For every strategy at 1 and
// 2 CPUs, run doexec on both engines with the same exec work per cycle (the
// calibrated profile's, i.e. the threads engine's derivation at calibration
// time, so both run at the operating point the profile was fitted at) and
// print virtual / threads throughput. Target (issue 6): every ratio within
// 10 % of 1.
//
// Needs the calibrated profile: `node scripts/calibrate.mjs` first. The
// threads engine measures wall-clock time, so a busy host (see the load
// average printed) moves its numbers, and with them the ratios.
// Usage: npx tsc -b && node scripts/validate-virtual.mjs [--ops N] [--work-ns N] [--strategies a,b] [--json]
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { listStrategies } from '../packages/mm/dist/src/index.js';
import { loadProfile } from '../packages/lab/dist/src/engine/virtual/index.js';
import { loadScenario } from '../packages/lab/dist/src/scenario/load.js';
import { runScenario } from '../packages/lab/dist/src/scenario/run.js';

const { values: args } = parseArgs({
  options: {
    ops: { type: 'string', default: '3000' },
    'work-ns': { type: 'string' },
    strategies: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const TOLERANCE = 0.1;
const strategies = args.strategies?.split(',') ?? listStrategies().map((s) => s.name);
const profile = loadProfile('calibrated');
const log = (line) => process.stderr.write(`${line}\n`);

/** Throughput by strategy/CPUs, and the work-ns the run used (flag keys are the flags' names: 'work-ns'). */
async function throughputs(engine, workNs, extra = {}) {
  const r = await runScenario(loadScenario({
    workload: 'doexec', strategy: strategies.join(','), cpus: '1,2', ops: args.ops, warmup: args.ops, seed: '1', engine,
    ...(workNs === null ? {} : { 'work-ns': String(workNs) }), ...extra,
  }), { log() {} });
  if (r.status !== 'complete') throw new Error(`${engine} run failed: ${r.failure?.kind}: ${r.failure?.message}`);
  return { byPoint: new Map(r.points.map((p) => [`${p.strategy}/${p.cpus}`, p.throughput])), workNs: r.workNs.value };
}

const loadBefore = loadavg()[0];
// Without --work-ns the threads engine derives it here, and the virtual run uses the same value.
const threadsRun = await throughputs('threads', args['work-ns'] === undefined ? null : Number(args['work-ns']));
const workNs = threadsRun.workNs;
log(`work-ns ${workNs}; calibrated profile: ${profile.description}`);
const threads = threadsRun.byPoint;
const virtual = (await throughputs('virtual', workNs, { profile: 'calibrated' })).byPoint;
const loadAfter = loadavg()[0];

const rows = [];
for (const s of strategies) {
  for (const cpus of [1, 2]) {
    const t = threads.get(`${s}/${cpus}`);
    const v = virtual.get(`${s}/${cpus}`);
    rows.push({ strategy: s, cpus, threads: t, virtual: v, ratio: v / t, within: Math.abs(v / t - 1) <= TOLERANCE });
  }
}
if (args.json) {
  console.log(JSON.stringify({ workNs, loadAverage: [loadBefore, loadAfter], rows }));
} else {
  console.log(`virtual (calibrated) vs threads, doexec, work-ns ${workNs}, ${args.ops} lifetimes per CPU; load average ${loadBefore.toFixed(2)} -> ${loadAfter.toFixed(2)}`);
  console.log('  strategy     CPUs  threads lifetimes/s  virtual lifetimes/s  virtual/threads');
  for (const r of rows) {
    console.log(`  ${r.strategy.padEnd(12)} ${String(r.cpus).padStart(4)} ${r.threads.toFixed(0).padStart(20)} ${r.virtual.toFixed(0).padStart(20)} ${r.ratio.toFixed(3).padStart(16)}${r.within ? '' : '  (outside 10 %)'}`);
  }
  const bad = rows.filter((r) => !r.within).length;
  console.log(`  ${rows.length - bad}/${rows.length} within ${TOLERANCE * 100} %`);
}
