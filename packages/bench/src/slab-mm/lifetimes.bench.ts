// SLUB fast path and the mm_struct lifetime per strategy, on one CPU (the
// main thread), side by side with the global locks each lifetime takes.
//
// Times come from a kernel booted with lock statistics off (what measuring
// costs is not part of the figure); lock counts from a second kernel with
// them on, over the same loop. tinybench times each case in batches (one
// timed call runs a batch and reports the per-operation mean through
// overriddenDuration, so timer overhead does not swamp a ~40 ns pair). A
// first pass over every case is not counted: it warms the shared mm path up
// with every strategy before anything is timed (otherwise the first
// strategy measured runs on monomorphic code the others never get). Then
// ROUNDS short passes run every case in turn, the starting case rotating,
// so host noise and GC fall on all cases alike; a figure is the median over
// rounds of each round's median batch mean, and the ratio to the baseline
// lifetime is the median of the per-round ratios.
// Target (issue 4): kmemCacheAlloc + kmemCacheFree fast-path pair <= 60 ns.
import {
  atomicsLockOps,
  bootMachine,
  readLockStats,
  RealCpu,
  resetLockStats,
  runPendingWork,
  spinCalibration,
  type Kernel,
} from '@percpu-lab/machine';
import { getStrategy, listStrategies, type MmOps } from '@percpu-lab/mm';
import { DEFAULT_GEOMETRY, pcpuBoot, pcpuMemblockBytes } from '@percpu-lab/percpu';
import { KmemCache, kmemCacheCreate, LIST_LOCK_CLASS } from '@percpu-lab/slab';
import { median } from '@percpu-lab/lab';
import { Bench } from 'tinybench';
import { target, type BenchSuite, type SuiteResult } from '../suite.js';

const MEM_BYTES = 64 * 1024 * 1024;
const FAST_BATCH = 20_000;
const LIFETIME_BATCH = 200;
const ROUNDS = 7;
/** tinybench's budget per case and round (ms): a few dozen batches. */
const ROUND_MS = { time: 50, warmupTime: 10 };
const OBJ_CACHE = 'bench_obj64';
/** Global locks shown per lifetime, in this order. */
const LOCKS = ['pcpu_alloc_mutex', 'pcpu_lock', 'percpu_counters_lock', 'pgd_lock', LIST_LOCK_CLASS];

interface Machine {
  kernel: Kernel;
  cpu: RealCpu;
  cache: KmemCache;
  ops: Map<string, MmOps>;
}

function boot(lockStat: boolean): Machine {
  const memblock = 4 * 1024 * 1024 + 64 * 1024 + MEM_BYTES / 256 + pcpuMemblockBytes(DEFAULT_GEOMETRY, 1);
  const kernel = bootMachine({ nrCpus: 1, memBytes: MEM_BYTES, memblockBytes: Math.ceil(memblock / 4096) * 4096, lockStat });
  pcpuBoot(kernel, DEFAULT_GEOMETRY);
  for (const s of listStrategies()) s.boot(kernel, {});
  kmemCacheCreate(kernel, OBJ_CACHE, 64, 8);
  kernel.publish();
  kernel.setLockOps(atomicsLockOps);
  const cpu = new RealCpu(kernel, 0, 1, spinCalibration());
  cpu.online();
  const ops = new Map(listStrategies().map((s) => [s.name, getStrategy(s.name).attach(kernel, {})]));
  return { kernel, cpu, cache: new KmemCache(kernel, OBJ_CACHE), ops };
}

function fastPairs(m: Machine, n: number): void {
  const { cache, cpu } = m;
  for (let i = 0; i < n; i++) cache.kmemCacheFree(cpu, cache.kmemCacheAlloc(cpu));
}

function lifetimes(m: Machine, ops: MmOps, n: number): void {
  const cpu = m.cpu;
  for (let i = 0; i < n; i++) {
    const mm = ops.mmAlloc(cpu);
    if (mm === 0) throw new Error('mmAlloc failed in the benchmark: raise MEM_BYTES');
    ops.mmdrop(cpu, mm);
  }
  runPendingWork(cpu);
}

/** Acquisitions per operation of each shown lock, after a warm-up. */
function locksPer(m: Machine, loop: (n: number) => void, n: number): Record<string, number> {
  loop(n);
  resetLockStats(m.kernel);
  loop(n);
  const stats = readLockStats(m.kernel);
  return Object.fromEntries(LOCKS.map((l) => [l, (stats.find((s) => s.name === l)?.acquisitions ?? 0) / n]));
}

interface Case {
  name: string;
  per: string;
  loop: (m: Machine, n: number) => void;
  batch: number;
}

/** ns per operation of each case (in `cases` order) in one tinybench pass, starting at case `first`. */
async function round(m: Machine, cases: readonly Case[], first: number): Promise<number[]> {
  const bench = new Bench(ROUND_MS);
  for (let k = 0; k < cases.length; k++) {
    const c = cases[(first + k) % cases.length]!;
    bench.add(c.name, () => {
      const t0 = bench.now();
      c.loop(m, c.batch);
      const ms = bench.now() - t0;
      return { overriddenDuration: ms / c.batch, overriddenIterationCost: ms };
    });
  }
  await bench.run();
  return cases.map((c) => {
    const r = bench.getTask(c.name)!.result;
    if (r.state !== 'completed') throw new Error(`benchmark task ${c.name} did not complete (${r.state})`);
    return r.latency.p50 * 1e6;
  });
}

async function run(): Promise<SuiteResult> {
  const timed = boot(false);
  const counted = boot(true);
  const cases: Case[] = [
    { name: 'kmemCacheAlloc+kmemCacheFree (fast path)', per: 'pair', loop: fastPairs, batch: FAST_BATCH },
    ...listStrategies().map((s) => ({
      name: `mm lifetime: ${s.name}`,
      per: 'lifetime',
      loop: (m: Machine, n: number) => lifetimes(m, m.ops.get(s.name)!, n),
      batch: LIFETIME_BATCH,
    })),
  ];
  await round(timed, cases, 0);
  /** ns per operation, [case][round]. */
  const samples = cases.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++) {
    const ns = await round(timed, cases, r % cases.length);
    ns.forEach((x, i) => samples[i]!.push(x));
  }
  const ns = new Map(cases.map((c, i) => [c.name, median(samples[i]!)]));
  const base = cases.findIndex((c) => c.name === 'mm lifetime: baseline');
  const vsBaseline = (i: number) => median(samples[i]!.map((x, r) => x / samples[base]![r]!));

  const figures: Record<string, number> = {};
  const table = cases.map((c, i) => {
    const locks = locksPer(counted, (n) => c.loop(counted, n), c.batch);
    const key = c.name.replace(/[^A-Za-z0-9]+/g, '_').replace(/_$/, '');
    figures[`${key}_ns`] = ns.get(c.name)!;
    if (c.per === 'lifetime') figures[`${key}_vs_baseline`] = vsBaseline(i);
    for (const l of LOCKS) figures[`${key}_${l.replace(/[^A-Za-z]+/g, '_')}`] = locks[l]!;
    return {
      operation: c.name,
      [`ns/op (median)`]: +ns.get(c.name)!.toFixed(1),
      'min..max': `${Math.min(...samples[i]!).toFixed(0)}..${Math.max(...samples[i]!).toFixed(0)}`,
      'vs baseline lifetime': c.per === 'lifetime' ? +vsBaseline(i).toFixed(2) : '',
      ...Object.fromEntries(LOCKS.map((l) => [l, +locks[l]!.toFixed(2)])),
    };
  });
  const fast = ns.get(cases[0]!.name)!;
  const parked = Object.fromEntries([...timed.ops].map(([name, ops]) => [name, ops.parkedPercpuBytes()]));
  return {
    table,
    figures,
    targets: [target('kmemCacheAlloc+kmemCacheFree fast-path pair, 1 CPU', fast, 'max', 60, ' ns')],
    notes: [
      `1 CPU; ${ROUNDS} interleaved tinybench rounds of ${ROUND_MS.time} ms per case, in batches of ${FAST_BATCH} pairs / ${LIFETIME_BATCH} lifetimes; ns/op = median over rounds of each round's median, min..max over rounds`,
      'lifetime = mmAlloc + mmdrop in steady state (warm slabs and caches); lock columns = acquisitions per operation, lock_stat on',
      `percpu bytes parked in caches after the run: ${Object.entries(parked).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    ],
  };
}

export const suite: BenchSuite = {
  name: 'slab-mm',
  description: 'SLUB fast path and one mm lifetime per strategy on 1 CPU, with global lock counts per lifetime',
  run,
};
