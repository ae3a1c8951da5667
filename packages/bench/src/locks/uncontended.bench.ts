// Uncontended lock+unlock on one CPU (the main thread), next to the raw
// CAS+store pair every lock must at least do. Each timed call runs a batch
// of BATCH pairs and reports the per-pair mean through overriddenDuration,
// so timer overhead does not swamp a ~20 ns operation. The cases run in
// ROUNDS short interleaved rounds, so every ratio compares costs measured
// close in time on this noisy shared host: a case's figure is the median of
// its per-round medians, its ratio the median of its per-round ratios.
// Targets: <= 1.5x the raw pair with lock statistics off (issue 2), <= 2x on
// (issue 11: hold times sampled, no clock read on an untimed uncontended pair).
import { atomicsLockOps, CACHE_LINE, HOLD_SAMPLING_TEXT, RealCpu, spinCalibration, type Kernel, type Lock } from '@percpu-lab/machine';
import { Bench } from 'tinybench';
import { target, type BenchSuite, type SuiteResult } from '../suite.js';
import { BENCH_MUTEX, BENCH_SPINLOCK, bootBenchKernel } from './bench-kernel.js';
import { median } from '@percpu-lab/lab';

const BATCH = 1000;

type Batch = () => void;

function lockBatch(lock: Lock, cpu: RealCpu): Batch {
  return () => {
    for (let i = 0; i < BATCH; i++) {
      lock.lock(cpu);
      lock.unlock(cpu);
    }
  };
}

/** The floor: take a free word with CAS, release it with a store. */
function rawBatch(): Batch {
  const i32 = new Int32Array(new SharedArrayBuffer(2 * CACHE_LINE));
  const idx = CACHE_LINE >> 2;
  return () => {
    for (let i = 0; i < BATCH; i++) {
      if (Atomics.compareExchange(i32, idx, 0, 2) !== 0) throw new Error('raw word was not free');
      Atomics.store(i32, idx, 0);
    }
  };
}

function cpu0(kernel: Kernel): RealCpu {
  kernel.setLockOps(atomicsLockOps);
  const cpu = new RealCpu(kernel, 0, 1, spinCalibration());
  cpu.online();
  return cpu;
}

const ROUNDS = 7;

/** ns per pair of each case in one tinybench pass over all cases. */
async function round(cases: [string, Batch][]): Promise<Map<string, number>> {
  const bench = new Bench({ time: 80, warmupTime: 20 });
  for (const [name, fn] of cases) {
    bench.add(name, () => {
      const t0 = bench.now();
      fn();
      const ms = bench.now() - t0;
      return { overriddenDuration: ms / BATCH, overriddenIterationCost: ms };
    });
  }
  await bench.run();
  const nsPerPair = new Map<string, number>();
  for (const t of bench.tasks) {
    const r = t.result;
    if (r.state !== 'completed') throw new Error(`benchmark task ${t.name} did not complete (${r.state})`);
    nsPerPair.set(t.name, r.latency.p50 * 1e6);
  }
  return nsPerPair;
}

async function run(): Promise<SuiteResult> {
  const off = bootBenchKernel(1, false);
  const on = bootBenchKernel(1, true);
  const cpuOff = cpu0(off);
  const cpuOn = cpu0(on);
  const cases: [string, Batch][] = [
    ['raw CAS+store', rawBatch()],
    ['Mutex, stats off', lockBatch(off.lock(BENCH_MUTEX), cpuOff)],
    ['SpinLock, stats off', lockBatch(off.lock(BENCH_SPINLOCK), cpuOff)],
    ['Mutex, stats on', lockBatch(on.lock(BENCH_MUTEX), cpuOn)],
    ['SpinLock, stats on', lockBatch(on.lock(BENCH_SPINLOCK), cpuOn)],
  ];
  const rounds: Map<string, number>[] = [];
  // The first pass warms every case up; it is not counted.
  await round(cases);
  for (let r = 0; r < ROUNDS; r++) rounds.push(await round(cases));
  const ns = (name: string): number => median(rounds.map((m) => m.get(name)!));
  const ratio = (name: string): number => median(rounds.map((m) => m.get(name)! / m.get('raw CAS+store')!));
  const table = cases.map(([name]) => ({ 'lock+unlock': name, 'ns/pair (median)': +ns(name).toFixed(1), 'x raw': +ratio(name).toFixed(2) }));
  const figures: Record<string, number> = { rawNs: ns('raw CAS+store') };
  for (const [name] of cases.slice(1)) {
    const key = name.replace(/[^A-Za-z]+/g, '_').replace(/_$/, '');
    figures[`${key}_ns`] = ns(name);
    figures[`${key}_ratio`] = ratio(name);
  }
  return {
    table,
    figures,
    targets: [
      target('uncontended Mutex, stats off / raw pair', ratio('Mutex, stats off'), 'max', 1.5, 'x'),
      target('uncontended SpinLock, stats off / raw pair', ratio('SpinLock, stats off'), 'max', 1.5, 'x'),
      target('uncontended Mutex, stats on / raw pair', ratio('Mutex, stats on'), 'max', 2, 'x'),
      target('uncontended SpinLock, stats on / raw pair', ratio('SpinLock, stats on'), 'max', 2, 'x'),
    ],
    notes: [
      `batches of ${BATCH} pairs per timed call; ${ROUNDS} interleaved rounds; ns = median of per-round medians, x raw = median of per-round ratios`,
      `stats on: ${HOLD_SAMPLING_TEXT}`,
    ],
  };
}

export const suite: BenchSuite = {
  name: 'locks-uncontended',
  description: 'uncontended lock+unlock on one CPU vs a raw CAS+store pair',
  run,
};
