// pcpuAlloc + freePercpu pairs: on one CPU (the main thread), 16 and 32
// bytes, ns per pair; and on two CPUs (workers from the CPU pool) at once,
// pairs per second with pcpu_alloc_mutex contention from lock_stat, the
// lock every sleeping percpu allocation serialises on.
// Target (issue 3): <= 1 µs per pair on one CPU.
import { atomicsLockOps, oversubscriptionNote, readLockStats, RealCpu, runOnCpus, spinCalibration } from '@percpu-lab/machine';
import { median } from '@percpu-lab/lab';
import { Percpu } from '@percpu-lab/percpu';
import { availableParallelism, loadavg } from 'node:os';
import { Bench } from 'tinybench';
import { target, type BenchSuite, type SuiteResult } from '../suite.js';
import type { AllocFreeArgs, AllocFreeResult } from './alloc-free.job.js';
import { bootPercpuBenchKernel } from './percpu-kernel.js';

const BATCH = 1000;
const SIZES = [16, 32];
const CPUS = 2;
const PHASE_MS = 400;
const ROUNDS = 3;
const JOB = new URL('./alloc-free.job.js', import.meta.url).href;

/**
 * CPU time (user + system) per pair over a few batches: what a pair costs
 * when the thread is not descheduled. Timed by hand because tinybench reads
 * a wall clock; process.cpuUsage() has µs resolution, hence the large batch.
 */
function cpuNsPerPair(pair: () => void): number {
  const n = 200_000;
  const xs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const u0 = process.cpuUsage();
    for (let i = 0; i < n; i++) pair();
    const u = process.cpuUsage(u0);
    xs.push(((u.user + u.system) * 1000) / n);
  }
  return median(xs);
}

async function onOneCpu(): Promise<{ wall: Map<number, number>; cpu: Map<number, number> }> {
  const kernel = bootPercpuBenchKernel(1, false);
  kernel.setLockOps(atomicsLockOps);
  const cpu = new RealCpu(kernel, 0, 1, spinCalibration());
  cpu.online();
  const percpu = new Percpu(kernel);
  // Some live areas, so the chunk is not trivially empty (as on a booted kernel).
  for (let i = 0; i < 200; i++) percpu.pcpuAlloc(cpu, 16, 8);
  const bench = new Bench({ time: 500, warmupTime: 150 });
  for (const size of SIZES) {
    bench.add(`${size}`, () => {
      const t0 = bench.now();
      for (let i = 0; i < BATCH; i++) percpu.freePercpu(cpu, percpu.pcpuAlloc(cpu, size, 8));
      const ms = bench.now() - t0;
      return { overriddenDuration: ms / BATCH, overriddenIterationCost: ms };
    });
  }
  await bench.run();
  const wall = new Map<number, number>();
  for (const t of bench.tasks) {
    if (t.result.state !== 'completed') throw new Error(`benchmark task ${t.name} did not complete (${t.result.state})`);
    wall.set(Number(t.name), t.result.latency.p50 * 1e6);
  }
  const cpuNs = new Map(SIZES.map((size) => [size, cpuNsPerPair(() => percpu.freePercpu(cpu, percpu.pcpuAlloc(cpu, size, 8)))]));
  percpu.verify();
  return { wall, cpu: cpuNs };
}

async function onTwoCpus(): Promise<{ pairsPerSec: number[]; contentions: number; acquisitions: number; waitAvgNs: number }> {
  const kernel = bootPercpuBenchKernel(CPUS, true);
  const pairsPerSec: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const res = await runOnCpus<AllocFreeArgs, AllocFreeResult>({ kernel, cpus: CPUS, job: { module: JOB, args: { ms: PHASE_MS, size: 16 } }, seed: r + 1 });
    const ns = Math.max(...res.map((x) => x.elapsedNs));
    pairsPerSec.push(res.reduce((a, x) => a + x.pairs, 0) / (ns / 1e9));
  }
  const m = readLockStats(kernel).find((s) => s.name === 'pcpu_alloc_mutex')!;
  return { pairsPerSec, contentions: m.contentions, acquisitions: m.acquisitions, waitAvgNs: m.contentions === 0 ? 0 : m.waitTotalNs / m.contentions };
}

async function run(): Promise<SuiteResult> {
  const { wall, cpu: cpuNs } = await onOneCpu();
  const two = await onTwoCpus();
  const rate2 = median(two.pairsPerSec);
  const rate1 = 1e9 / wall.get(16)!;
  const table: Record<string, string | number>[] = SIZES.map((size) => ({
    case: `1 CPU, ${size} B`,
    'ns/pair (median)': +wall.get(size)!.toFixed(0),
    'CPU ns/pair': +cpuNs.get(size)!.toFixed(0),
    'pairs/s (M)': +(1e3 / wall.get(size)!).toFixed(2),
  }));
  table.push({ case: `${CPUS} CPUs, 16 B, contended`, 'ns/pair (median)': +(1e9 / rate2).toFixed(0), 'CPU ns/pair': '', 'pairs/s (M)': +(rate2 / 1e6).toFixed(2) });
  const contendedShare = two.acquisitions === 0 ? 0 : two.contentions / two.acquisitions;
  const notes = [
    `pcpu_alloc_mutex on ${CPUS} CPUs (lock_stat on): ${two.contentions} contentions in ${two.acquisitions} acquisitions ` +
      `(${(100 * contendedShare).toFixed(1)} %), average wait ${(two.waitAvgNs / 1000).toFixed(2)} µs`,
    `${CPUS}-CPU rate is ${(rate2 / rate1).toFixed(2)}x the 1-CPU rate (the mutex serialises every sleeping allocation)`,
  ];
  notes.push(
    `"CPU ns/pair" is process CPU time per pair (excludes time the thread was descheduled); host load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores — with other work on the host the wall-clock figures are higher`,
  );
  const over = oversubscriptionNote(CPUS);
  if (over) notes.push(over);
  return {
    table,
    figures: {
      ns_per_pair_16: wall.get(16)!,
      ns_per_pair_32: wall.get(32)!,
      cpu_ns_per_pair_16: cpuNs.get(16)!,
      cpu_ns_per_pair_32: cpuNs.get(32)!,
      contended_pairs_per_s: rate2,
      contended_vs_one_cpu: rate2 / rate1,
      mutex_contentions: two.contentions,
      mutex_acquisitions: two.acquisitions,
      mutex_wait_avg_ns: two.waitAvgNs,
    },
    targets: SIZES.map((size) => target(`pcpuAlloc+freePercpu of ${size} B on 1 CPU (wall clock, median)`, wall.get(size)!, 'max', 1000, ' ns')),
    notes,
  };
}

export const suite: BenchSuite = {
  name: 'percpu-alloc-free',
  description: 'pcpuAlloc+freePercpu pairs: 1 CPU ns/pair, 2-CPU contended rate with pcpu_alloc_mutex contention',
  run,
};
