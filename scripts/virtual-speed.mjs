#!/usr/bin/env node
// How fast the virtual engine emulates: doexec on 64 virtual CPUs, 10 000 mm
// lifetimes per CPU, for each of four strategies, with the kernel cost
// profile, on one host core. Prints emulated lifetimes per host second for
// each strategy and overall (issue 6 asks for the whole matrix in <= 30 s).
// Host time is this process's CPU time (user + system), so other processes
// on a shared host do not inflate it; wall-clock time is printed beside it.
// Run `npx tsc -b` first. Options: --cpus N, --ops N, --strategies a,b,...
import { parseArgs } from 'node:util';
import { loadScenario } from '../packages/lab/dist/src/scenario/load.js';
import { runScenario } from '../packages/lab/dist/src/scenario/run.js';

const { values } = parseArgs({
  options: {
    cpus: { type: 'string', default: '64' },
    ops: { type: 'string', default: '10000' },
    strategies: { type: 'string', default: 'baseline,slab-dtor,pcpu-cache,lazy-rss' },
    json: { type: 'boolean', default: false },
  },
});

const rows = [];
for (const strategy of values.strategies.split(',')) {
  const scenario = await loadScenario({
    workload: 'doexec', strategy, cpus: values.cpus, ops: values.ops, warmup: '100', engine: 'virtual', seed: '1',
  });
  const cpuMs = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  // Only the point counts: the work-ns derivation before it is set-up.
  let start = { cpu: 0, wall: 0 };
  const result = await runScenario(scenario, {
    log(line) {
      if (line.endsWith('...')) start = { cpu: cpuMs(), wall: performance.now() };
    },
  });
  const runMs = cpuMs() - start.cpu;
  const wallMs = performance.now() - start.wall;
  const p = result.points[0];
  if (result.status !== 'complete') throw new Error(`${strategy}: run ${result.status}: ${result.failure?.message}`);
  // The measured window and the warm-up both emulate lifetimes; count both against the run's host time.
  const lifetimes = p.lifetimes + Number(values.cpus) * scenario.warmup;
  rows.push({
    strategy, lifetimes, hostSeconds: runMs / 1000, wallSeconds: wallMs / 1000,
    lifetimesPerSecond: lifetimes / (runMs / 1000), virtualThroughput: p.throughput,
  });
}

const total = rows.reduce((s, r) => s + r.hostSeconds, 0);
const wall = rows.reduce((s, r) => s + r.wallSeconds, 0);
const lifetimes = rows.reduce((s, r) => s + r.lifetimes, 0);
if (values.json) {
  console.log(JSON.stringify({ cpus: Number(values.cpus), opsPerCpu: Number(values.ops), rows, hostSeconds: total, wallSeconds: wall, lifetimesPerSecond: lifetimes / total }));
} else {
  console.log(`virtual engine speed: doexec, ${values.cpus} CPUs x ${values.ops} lifetimes per CPU, kernel profile, one host core`);
  console.log('  strategy      lifetimes  CPU s  wall s  emulated lifetimes/s  virtual throughput (lifetimes/s)');
  const n = (x) => Math.round(x).toLocaleString('en-US');
  for (const r of rows) {
    console.log(`  ${r.strategy.padEnd(12)} ${String(r.lifetimes).padStart(10)} ${r.hostSeconds.toFixed(1).padStart(6)} ${r.wallSeconds.toFixed(1).padStart(7)} ${n(r.lifetimesPerSecond).padStart(21)}  ${n(r.virtualThroughput)}`);
  }
  console.log(`  total        ${String(lifetimes).padStart(10)} ${total.toFixed(1).padStart(6)} ${wall.toFixed(1).padStart(7)} ${n(lifetimes / total).padStart(21)}`);
  console.log(`  target: the whole matrix in <= 30 s on one core -> ${total <= 30 ? 'met' : 'NOT met'} (${total.toFixed(1)} s)`);
}
