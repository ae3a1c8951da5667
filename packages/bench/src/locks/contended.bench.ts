// Contended throughput: two CPUs (worker threads from the CPU pool) each
// lock / increment a shared counter / unlock for a fixed time. The Mutex is
// compared with a plain Drepper 3-state futex mutex on the same machine, in
// two loop shapes: an empty critical section taken back to back (the worst
// case for spinning: the owner retakes the lock at once), and a
// kernel-shaped one with some work under the lock and some outside.
// One pool run alternates the locks in short phases, all CPUs meeting at a
// barrier before each, so the locks compared share the host's noise; the
// figure per lock is the median over rounds, the Mutex/Drepper ratio the
// median of the per-round ratios.
// Target (issue 2): Mutex throughput >= the Drepper mutex's.
import { oversubscriptionNote, runOnCpus } from '@percpu-lab/machine';
import { target, type BenchSuite, type SuiteResult, type Target } from '../suite.js';
import { bootBenchKernel } from './bench-kernel.js';
import { median } from '@percpu-lab/lab';
import type { ContendedArgs, ContendedLock, ContendedResult } from './contended.job.js';

const CPUS = 2;
const PHASE_MS = 120;
const ROUNDS = 9;
const JOB = new URL('./contended.job.js', import.meta.url).href;

const LOCKS: { lock: ContendedLock; label: string }[] = [
  { lock: 'mutex', label: 'Mutex' },
  { lock: 'spin', label: 'SpinLock' },
  { lock: 'drepper', label: 'Drepper mutex' },
];

interface Shape {
  key: string;
  label: string;
  holdNs: number;
  thinkNs: number;
}

const SHAPES: Shape[] = [
  { key: 'tight', label: 'empty critical section, back to back', holdNs: 0, thinkNs: 0 },
  { key: 'kernel', label: '300 ns under the lock, 300 ns outside', holdNs: 300, thinkNs: 300 },
];

/** Acquisitions per second over all CPUs, [round][lock]. */
async function measure(locks: ContendedLock[], shape: Shape, rounds: number, lockStat: boolean): Promise<number[][]> {
  const kernel = bootBenchKernel(CPUS, lockStat);
  const results = await runOnCpus<ContendedArgs, ContendedResult>({
    kernel,
    cpus: CPUS,
    job: { module: JOB, args: { locks, rounds, phaseMs: PHASE_MS, holdNs: shape.holdNs, thinkNs: shape.thinkNs } },
    seed: 1,
  });
  const rates: number[][] = [];
  for (let r = 0; r < rounds; r++) {
    rates.push(locks.map((_, l) => {
      const total = results.reduce((a, c) => a + c.acquisitions[r]![l]!, 0);
      const ns = Math.max(...results.map((c) => c.elapsedNs[r]![l]!));
      return total / (ns / 1e9);
    }));
  }
  return rates;
}

const key = (s: string): string => s.replace(/[^A-Za-z]+/g, '_');

async function run(): Promise<SuiteResult> {
  const table: Record<string, string | number>[] = [];
  const figures: Record<string, number> = {};
  const targets: Target[] = [];
  const drepper = LOCKS.findIndex((l) => l.lock === 'drepper');
  for (const shape of SHAPES) {
    const rates = await measure(LOCKS.map((l) => l.lock), shape, ROUNDS, false);
    const rows = LOCKS.map((l, i) => ({ label: l.label, xs: rates.map((r) => r[i]!), vs: median(rates.map((r) => r[i]! / r[drepper]!)) }));
    if (shape.key === 'tight') {
      // Lock statistics on: the same Mutex loop, to show what measuring costs under contention.
      rows.push({ label: 'Mutex, stats on', xs: (await measure(['mutex'], shape, 3, true)).map((r) => r[0]!), vs: NaN });
    }
    for (const r of rows) {
      table.push({
        loop: shape.label,
        lock: r.label,
        'acq/s median (M)': +(median(r.xs) / 1e6).toFixed(2),
        'min (M)': +(Math.min(...r.xs) / 1e6).toFixed(2),
        'max (M)': +(Math.max(...r.xs) / 1e6).toFixed(2),
        'vs Drepper': Number.isNaN(r.vs) ? '' : +r.vs.toFixed(2),
      });
      figures[`${shape.key}_${key(r.label)}_acq_per_s`] = median(r.xs);
    }
    figures[`${shape.key}_Mutex_vs_Drepper`] = rows[0]!.vs;
    targets.push(target(`2-CPU contended Mutex / Drepper mutex throughput (${shape.label})`, rows[0]!.vs, 'min', 1, 'x'));
  }
  const notes = [
    `${CPUS} CPUs; per loop shape ${ROUNDS} rounds of ${PHASE_MS} ms phases, locks alternating within each round; ` +
      '"vs Drepper" is the median of per-round ratios',
  ];
  const over = oversubscriptionNote(CPUS);
  if (over) notes.push(over);
  return { table, figures, targets, notes };
}

export const suite: BenchSuite = {
  name: 'locks-contended',
  description: `${CPUS}-CPU contended lock throughput (acquisitions/s) via the CPU pool`,
  run,
};
