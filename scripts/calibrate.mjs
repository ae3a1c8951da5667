#!/usr/bin/env node
// Measure this host and write the virtual engine's `calibrated` cost profile
// (packages/lab/profiles/calibrated.json), so that `--engine virtual
// --profile calibrated` reproduces what the threads engine measures here.
//
// What is measured, and how:
//   - uncontended lock and unlock of the threads engine's Atomics locks, with
//     lock statistics on as in a run, and one Atomics RMW: timed loops on one
//     CPU (the main thread, as the threads engine's own 1-CPU derivation runs);
//   - a cache-line hand-off between two workers spinning on one word, and a
//     sleep/wake hand-off through Atomics.wait/notify: ping-pong round trips;
//   - the mutex's optimistic spin: its largest poll budget (MUTEX_SPIN_POLLS =
//     2000 in machine/src/atomics-lock.ts; the lock adapts it down to 16 after
//     spins that fail) times one measured poll;
//   - everything the allocators do that no micro-benchmark isolates (bitmap
//     scans, page allocation and population, zeroing, object set-up, the
//     pcpu_alloc/free_percpu and memcg fixed work, loop iterations over CPUs,
//     and the host work the model leaves unpriced, charged per program step):
//     fitted, by
//     non-negative least squares on relative error, to the threads engine's
//     1-CPU time per mm lifetime of every strategy besides the exec work, at
//     doexec's operating point (its derived work per cycle; the engine's cost
//     per lifetime is not the same with no work at all). The units each
//     strategy uses per lifetime come from virtual runs with one price set
//     to 1 and every other to 0;
// The virtual engine derives the doexec work per cycle itself from these
// prices (the 4 % rule), as the threads engine does from its measurements.
// A host's numbers move with its load: the load average at calibration time
// is written into the profile's description.
//
// Usage: npx tsc -b && node scripts/calibrate.mjs [--ops N] [--repeats N] [--out FILE]
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus as hostCpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { atomicsLockOps, bootMachine, RealCpu } from '../packages/machine/dist/src/index.js';
import { DEFAULT_GEOMETRY, pcpuBoot } from '../packages/percpu/dist/src/index.js';
import { listStrategies } from '../packages/mm/dist/src/index.js';
import { builtinProfilePath, loadProfile, parseProfile, PROFILE_FORMAT } from '../packages/lab/dist/src/engine/virtual/index.js';
import { loadScenario } from '../packages/lab/dist/src/scenario/load.js';
import { runScenario } from '../packages/lab/dist/src/scenario/run.js';

const { values: args } = parseArgs({
  options: {
    ops: { type: 'string', default: '10000' },
    repeats: { type: 'string', default: '3' },
    out: { type: 'string', default: builtinProfilePath('calibrated') },
  },
});
const OPS = Number(args.ops);
const REPEATS = Number(args.repeats);
const log = (line) => process.stderr.write(`${line}\n`);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** ns per call of fn(n) / n, best of 7 rounds (a preempted round only makes a round slower). */
function timed(fn, n) {
  let best = Infinity;
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    fn(n);
    best = Math.min(best, ((performance.now() - t0) * 1e6) / n);
  }
  return best;
}

function lockCosts() {
  const kernel = bootMachine({ nrCpus: 1, memBytes: 64 * 1024 * 1024 });
  pcpuBoot(kernel, DEFAULT_GEOMETRY);
  kernel.publish();
  kernel.setLockOps(atomicsLockOps);
  const cpu = new RealCpu(kernel, 0, 1, 1);
  cpu.online();
  const pair = (lock) => timed((n) => {
    for (let i = 0; i < n; i++) {
      lock.lock(cpu);
      lock.unlock(cpu);
    }
  }, 200_000);
  const i32 = kernel.mem.i32;
  const atomic = timed((n) => {
    for (let i = 0; i < n; i++) Atomics.add(i32, 16, 1);
  }, 1_000_000);
  const poll = timed((n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Atomics.load(i32, 16);
    if (s === -1) log('');
  }, 1_000_000);
  return { spinPair: pair(kernel.lock('pcpu_lock')), mutexPair: pair(kernel.lock('pcpu_alloc_mutex')), atomic, poll };
}

// Two workers hand a word back and forth, in rounds; `sleep` parks the
// waiter in Atomics.wait. The fastest round counts: on a shared host most
// rounds include a preemption of one of the two workers, which is the host's
// load, not the cost of a hand-off.
const PING_PONG = `
const { workerData: { sab, me, rounds, n, sleep }, parentPort } = require('node:worker_threads');
const w = new Int32Array(sab);
const other = 1 - me;
Atomics.add(w, 1, 1);
while (Atomics.load(w, 1) < 2);
let best = Infinity;
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    if (sleep) { while (Atomics.load(w, 0) !== me) Atomics.wait(w, 0, other); }
    else { while (Atomics.load(w, 0) !== me); }
    Atomics.store(w, 0, other);
    if (sleep) Atomics.notify(w, 0, 1);
  }
  best = Math.min(best, (performance.now() - t0) * 1e6 / n);
}
parentPort.postMessage(best);
`;

/** One-way hand-off time (ns) between two workers: half the fastest round's mean round trip. */
async function handOff(sleep, rounds, n) {
  const sab = new SharedArrayBuffer(64);
  const run = (me) => new Promise((resolve, reject) => {
    const w = new Worker(PING_PONG, { eval: true, workerData: { sab, me, rounds, n, sleep } });
    w.once('message', resolve);
    w.once('error', reject);
  });
  const [a, b] = await Promise.all([run(0), run(1)]);
  return Math.min(a, b) / 2;
}

async function scenarioPoints(values) {
  const r = await runScenario(loadScenario({ workload: 'doexec', seed: '1', ...values }), { log() {} });
  if (r.status !== 'complete') throw new Error(`calibration run failed: ${r.failure?.kind}: ${r.failure?.message}`);
  return r;
}

const nsPerLifetime = (p) => (p.throughput > 0 ? 1e9 / p.throughput : 0);

/**
 * Threads engine, 1 CPU, at the doexec operating point (the derived exec
 * work): host ns per mm lifetime of each strategy outside that work, which
 * the virtual engine charges exactly (median of repeats).
 */
async function threadsLifetimes(strategies, workNs) {
  const runs = [];
  for (let r = 0; r < REPEATS; r++) {
    const res = await scenarioPoints({ engine: 'threads', strategy: strategies.join(','), cpus: '1', ops: String(OPS), warmup: String(OPS), workNs: String(workNs) });
    runs.push(res.points.map((p) => nsPerLifetime(p) - workNs));
  }
  return strategies.map((_, i) => median(runs.map((r) => r[i])));
}

const FITTED = [
  'bitmapWordNs', 'pageAllocNs', 'pageFreeNs', 'pagePopulateNs', 'zeroByteNs', 'objectInitNs', 'pcpuAllocCallNs', 'freePercpuCallNs',
  'memcgChargeNs', 'memcgUnchargeNs', 'percpuLoopIterNs', 'stepNs',
];
const UNIT_KINDS = ['spinLockNs', 'spinUnlockNs', 'mutexLockNs', 'mutexUnlockNs', 'atomicNs', ...FITTED];

/** Units of each priced kind per lifetime, per strategy: virtual runs with one price at 1. */
async function unitsPerLifetime(strategies, base) {
  const dir = mkdtempSync(join(tmpdir(), 'calibrate-'));
  const units = strategies.map(() => ({}));
  for (const kind of UNIT_KINDS) {
    // lineOverlap divides: 1 keeps every other price at exactly 0.
    const costs = Object.fromEntries(Object.entries(base.costs).map(([k, e]) => [k, { ...e, value: k === kind || k === 'lineOverlap' ? 1 : 0 }]));
    const path = join(dir, `${kind}.json`);
    writeFileSync(path, JSON.stringify({ ...base, name: `unit-${kind}`, costs }));
    const res = await scenarioPoints({ engine: 'virtual', profile: path, strategy: strategies.join(','), cpus: '1', ops: '1000', warmup: '1000', workNs: '0' });
    res.points.forEach((p, i) => (units[i][kind] = nsPerLifetime(p)));
  }
  return units;
}

/** Non-negative least squares by coordinate descent on the normal equations. */
function nnls(rows, targets) {
  const m = rows[0].length;
  const x = new Array(m).fill(0);
  const h = Array.from({ length: m }, (_, i) => Array.from({ length: m }, (_, j) => rows.reduce((s, r) => s + r[i] * r[j], 0)));
  const g = Array.from({ length: m }, (_, i) => rows.reduce((s, r, k) => s + r[i] * targets[k], 0));
  for (let it = 0; it < 20_000; it++) {
    for (let i = 0; i < m; i++) {
      if (h[i][i] === 0) continue;
      const grad = h[i].reduce((s, hij, j) => s + hij * x[j], 0) - g[i];
      x[i] = Math.max(0, x[i] - grad / h[i][i]);
    }
  }
  return x;
}

const fmt = (ns) => (ns >= 100 ? ns.toFixed(0) : ns.toPrecision(3));

async function main() {
  const kernelProfile = JSON.parse((await import('node:fs')).readFileSync(builtinProfilePath('kernel'), 'utf8'));
  const host = `${hostCpus()[0]?.model ?? 'unknown CPU'}, ${hostCpus().length} cores, Node ${process.version}`;
  const load = loadavg()[0].toFixed(2);
  log(`calibrating on ${host} (load average ${load})`);

  const lc = lockCosts();
  const transfer = await handOff(false, 100, 2000);
  const sleepWake = await handOff(true, 50, 200);
  log(`  lock pairs: spin ${fmt(lc.spinPair)} ns, mutex ${fmt(lc.mutexPair)} ns; atomic ${fmt(lc.atomic)} ns; poll ${fmt(lc.poll)} ns`);
  log(`  hand-off between workers: spinning ${fmt(transfer)} ns, sleep/wake ${fmt(sleepWake)} ns`);

  const derived = await runScenario(loadScenario({ workload: 'doexec', engine: 'threads', strategy: 'baseline', cpus: '1', ops: '10', warmup: '0', seed: '1' }), { log() {} });
  const workNs = derived.workNs.value;
  const strategies = listStrategies().map((s) => s.name);
  const measured = await threadsLifetimes(strategies, workNs);
  log(`  threads engine, 1 CPU, work-ns ${workNs}: ${strategies.map((s, i) => `${s} ${fmt(measured[i])} ns`).join(', ')} per lifetime besides the work`);
  const units = await unitsPerLifetime(strategies, kernelProfile);

  const known = {
    spinLockNs: lc.spinPair / 2, spinUnlockNs: lc.spinPair / 2, mutexLockNs: lc.mutexPair / 2, mutexUnlockNs: lc.mutexPair / 2, atomicNs: lc.atomic,
  };
  const fitted = FITTED;
  // Relative error: every strategy counts the same however long its lifetime.
  const rows = units.map((u, s) => fitted.map((k) => u[k] / measured[s]));
  const targets = units.map((u, s) => (measured[s] - Object.entries(known).reduce((t, [k, p]) => t + p * u[k], 0)) / measured[s]);
  const x = nnls(rows, targets);
  const price = { ...known, ...Object.fromEntries(fitted.map((k, i) => [k, x[i]])) };
  const predicted = units.map((u) => UNIT_KINDS.reduce((t, k) => t + price[k] * u[k], 0));
  const fitText = strategies.map((s, i) => `${s} ${fmt(measured[i])} ns measured / ${fmt(predicted[i])} ns fitted`).join('; ');
  log(`  fit: ${fitText}`);

  const unexercised = (k) => fitted.includes(k) && units.every((u) => u[k] === 0);
  const fitSource = (k) => unexercised(k)
    ? `Not exercised by any strategy on this host, so it cannot be measured here; kept from the kernel profile (${kernelProfile.costs[k].value}).`
    : `Fitted (non-negative least squares on relative error) to the threads engine's 1-CPU ns per mm lifetime besides the exec work (doexec, --work-ns ${workNs}), ${REPEATS} runs of ${OPS} lifetimes per strategy, median; per strategy: ${fitText}.`;
  const entry = (value, source) => ({ value: Number(value.toPrecision(6)), source });
  const costs = {
    atomicNs: entry(lc.atomic, `Atomics.add on kernel memory, one CPU, best of 7 timed loops: ${fmt(lc.atomic)} ns.`),
    spinLockNs: entry(known.spinLockNs, `Half of an uncontended spin_lock + spin_unlock pair of the threads engine's Atomics spinlock (pcpu_lock), lock statistics on: ${fmt(lc.spinPair)} ns per pair.`),
    spinUnlockNs: entry(known.spinUnlockNs, `The other half of the same pair (${fmt(lc.spinPair)} ns).`),
    mutexLockNs: entry(known.mutexLockNs, `Half of an uncontended mutex_lock + mutex_unlock pair of the threads engine's Atomics mutex (pcpu_alloc_mutex), lock statistics on: ${fmt(lc.mutexPair)} ns per pair.`),
    mutexUnlockNs: entry(known.mutexUnlockNs, `The other half of the same pair (${fmt(lc.mutexPair)} ns).`),
    lineTransferSmtNs: entry(transfer, `This host's threads are not pinned to SMT siblings: the same hand-off as between cores (${fmt(transfer)} ns).`),
    lineTransferSameSocketNs: entry(transfer, `One hand-off of a word between two workers spinning on it (Atomics ping-pong, half the mean round trip of the fastest of 100 rounds of 2000): ${fmt(transfer)} ns.`),
    lineTransferCrossSocketNs: entry(transfer, `This host has one socket: the same hand-off as within a socket (${fmt(transfer)} ns).`),
    dramLocalNs: entry(transfer, `Not measured: on one CPU the loops over CPUs find every line in this CPU's cache; the hand-off figure (${fmt(transfer)} ns) stands in.`),
    dramRemoteNs: entry(transfer, `This host has one socket: as dramLocalNs (${fmt(transfer)} ns).`),
    lineOverlap: { value: 1, source: 'JavaScript loops on kernel memory do not overlap their misses the way a core keeps fill buffers busy: 1.' },
    mutexSleepWakeNs: entry(sleepWake, `One hand-off between two workers that sleep in Atomics.wait and are woken by Atomics.notify (half the mean round trip of the fastest of 50 rounds of 200): ${fmt(sleepWake)} ns.`),
    mutexSpinWindowNs: entry(2000 * lc.poll, `The threads engine's mutex polls the lock word up to MUTEX_SPIN_POLLS = 2000 times (machine/src/atomics-lock.ts; adaptive, down to 16 after failed spins) before it sleeps; one Atomics.load poll is ${fmt(lc.poll)} ns here.`),
    lockDataLines: { ...kernelProfile.costs.lockDataLines, source: `The model's critical sections touch the same shared structures as the kernel's, so the kernel profile's line counts are kept: ${kernelProfile.costs.lockDataLines.source}` },
    ...Object.fromEntries(fitted.filter((k) => k !== 'stepNs').map((k) => [k, entry(unexercised(k) ? kernelProfile.costs[k].value : price[k], fitSource(k))])),
    stepNs: entry(price.stepNs, `Host work of one program step that the model does not price (workload bookkeeping, latency recording, unpriced allocator code). ${fitSource('stepNs')}`),
  };
  const profile = {
    format: PROFILE_FORMAT,
    name: 'calibrated',
    description: `Measured by scripts/calibrate.mjs on ${host}, ${new Date().toISOString()}, load average ${load}. Reproduces the threads engine on this host; not a model of a kernel.`,
    costs,
  };
  parseProfile(profile, args.out);
  writeFileSync(args.out, `${JSON.stringify(profile, null, 2)}\n`);
  log(`written ${args.out}`);
  if (args.out === builtinProfilePath('calibrated')) loadProfile('calibrated');
}

await main();
