#!/usr/bin/env node
// How far apart fresh instances of one threads-engine point read: the same
// point (doexec, one strategy, one CPU count) run --repeats times in one
// process, each on a freshly booted kernel, and the spread of the readings
// (max / min) printed with the load average before and after — of the
// wall-clock throughput (what a report shows), of the throughput with the
// host's run-queue delay taken out (on-core), and of each instance's best
// warm-up window (the instance's own rate, which a busy host disturbs
// least). With --ops given as a list (5000,50000) the lengths are
// interleaved round by round, so slow drift on the host hits every length
// alike, and the ratio of each length's median to the last length's median
// is printed too (the short-vs-long check of issue 20).
//
// Every other percpu-lab run flag passes through (--memory, --work-footprint,
// --warmup …). Build first (`pnpm build`). Examples:
//   node scripts/threads-spread.mjs                       # 7 repeats, 1 CPU, work-ns 2000, --binary none
//   node scripts/threads-spread.mjs --ops 5000,50000 --repeats 5
//   node scripts/threads-spread.mjs --memory 32MiB --json
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { loadScenario } from '../packages/lab/dist/src/scenario/load.js';
import { runScenario } from '../packages/lab/dist/src/scenario/run.js';
import { SCENARIO_FLAG_OPTIONS } from '../packages/lab/dist/src/scenario/flags.js';
import { median } from '../packages/lab/dist/src/stats/median.js';

try {
  const { values } = parseArgs({
    options: {
      ...SCENARIO_FLAG_OPTIONS,
      repeats: { type: 'string', default: '7' },
      json: { type: 'boolean', default: false },
    },
  });
  const repeats = Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1) throw Object.assign(new Error(`--repeats must be a positive integer, not ${values.repeats}`), { usage: true });
  const opsList = (values.ops ?? '10000').split(',').map((s) => s.trim());
  const flags = {
    workload: 'doexec', engine: 'threads', strategy: 'baseline', cpus: '1', 'work-ns': '2000', binary: 'none',
    ...Object.fromEntries(Object.entries(values).filter(([k, v]) => k in SCENARIO_FLAG_OPTIONS && typeof v === 'string')),
  };
  // --repeats is this script's (fresh runs of one point), --ops its list of lengths.
  delete flags.ops;
  delete flags.repeats;

  const maxOverMin = (xs) => Math.max(...xs) / Math.min(...xs);

  const load0 = loadavg();
  const t0 = performance.now();
  const readings = Object.fromEntries(opsList.map((o) => [o, []]));
  for (let r = 0; r < repeats; r++) {
    for (const ops of opsList) {
      const scenario = await loadScenario({ ...flags, ops });
      const start = performance.now();
      const result = await runScenario(scenario, { log() {} });
      if (result.status !== 'complete') throw new Error(`run failed: ${result.failure?.kind}: ${result.failure?.message}`);
      const p = result.points[0];
      readings[ops].push({
        throughput: p.throughput,
        usPerLifetime: (p.cpus / p.throughput) * 1e6,
        onCoreThroughput: p.disturbance?.onCoreThroughput ?? null,
        // The instance's best warm-up window (CPU 0, run-queue delay left out): the host only ever slows a
        // window down, so the best of several is the instance's own rate even on a busy host.
        bestWindowRate: p.warmup && p.warmup.windowRates.length > 0 ? Math.max(...p.warmup.windowRates) : null,
        windowRates: p.warmup?.windowRates ?? [],
        disturbed: p.disturbance?.disturbed ?? null,
        settled: p.warmup?.settled ?? null,
        warmupMs: p.warmup ? Math.max(...p.warmup.ms) : null,
        engineInfo: p.engineInfo,
        loadAvg1: loadavg()[0],
        wallS: (performance.now() - start) / 1000,
      });
      if (!values.json) {
        const x = readings[ops].at(-1);
        process.stderr.write(`ops ${ops} r${r}: ${Math.round(x.throughput)}/s (${x.usPerLifetime.toFixed(2)} us/lifetime)` +
          `${x.onCoreThroughput === null ? '' : `, on-core ${Math.round(x.onCoreThroughput)}/s`}${x.disturbed ? ' DISTURBED' : ''}` +
          `${x.settled === false ? ' unsettled' : ''}, load ${x.loadAvg1.toFixed(2)}, ${x.wallS.toFixed(1)} s\n`);
      }
    }
  }
  const load1 = loadavg();
  const summary = opsList.map((ops) => {
    const xs = readings[ops];
    const wall = xs.map((x) => x.throughput);
    const onCore = xs.every((x) => x.onCoreThroughput !== null) ? xs.map((x) => x.onCoreThroughput) : null;
    return {
      ops: Number(ops),
      median: median(wall),
      maxOverMin: maxOverMin(wall),
      onCoreMedian: onCore && median(onCore),
      onCoreMaxOverMin: onCore && maxOverMin(onCore),
      bestWindowMaxOverMin: xs.every((x) => x.bestWindowRate !== null) ? maxOverMin(xs.map((x) => x.bestWindowRate)) : null,
      disturbed: xs.filter((x) => x.disturbed).length,
      readings: xs,
    };
  });
  const last = summary.at(-1);
  const out = {
    point: { ...flags, ops: opsList.join(',') },
    repeats,
    loadAverage: { before: load0, after: load1 },
    seconds: (performance.now() - t0) / 1000,
    summary: summary.map((s) => ({ ...s, medianOverLast: s.median / last.median, onCoreMedianOverLast: s.onCoreMedian && s.onCoreMedian / last.onCoreMedian })),
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    const f = (x) => (x === null ? '-' : x.toFixed(3));
    console.log(`threads spread: ${Object.entries(flags).map(([k, v]) => `--${k} ${v}`).join(' ')}, ${repeats} fresh instances per length, in one process`);
    console.log(`load average (1/5/15 min) ${load0.map((x) => x.toFixed(2)).join('/')} before, ${load1.map((x) => x.toFixed(2)).join('/')} after; ${out.seconds.toFixed(0)} s`);
    console.log('  ops      median/s  max/min  on-core median/s  max/min  best-window max/min  disturbed  median vs last');
    for (const s of out.summary) {
      console.log(`  ${String(s.ops).padEnd(7)} ${String(Math.round(s.median)).padStart(9)} ${f(s.maxOverMin).padStart(8)} ${String(s.onCoreMedian === null ? '-' : Math.round(s.onCoreMedian)).padStart(17)} ${f(s.onCoreMaxOverMin).padStart(8)} ${f(s.bestWindowMaxOverMin).padStart(20)} ${String(s.disturbed).padStart(10)} ${f(s.medianOverLast).padStart(15)}`);
    }
  }
} catch (e) {
  console.error(`threads-spread: ${e.message}`);
  // Bad flags exit 2, as percpu-lab's own usage errors do; a run that failed exits 1.
  process.exitCode = e.usage || e.name === 'ScenarioError' || String(e.code).startsWith('ERR_PARSE_ARGS') ? 2 : 1;
}
