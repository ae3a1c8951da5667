// Contended throughput: two CPUs (worker threads from the CPU pool) each
// lock / increment a shared counter / unlock for a fixed time. The Mutex is
// compared with a plain Drepper 3-state futex mutex on the same machine.
// One pool run alternates the locks in short phases, all CPUs meeting at a
// barrier before each, so the locks compared share the host's noise; the
// figure per lock is the median over rounds, the Mutex/Drepper ratio the
// median of the per-round ratios.
// Target (issue 2): Mutex throughput >= the Drepper mutex's.
import { oversubscriptionNote, runOnCpus } from '@percpu-lab/machine';
import { target, type BenchSuite, type SuiteResult } from '../suite.js';
import { bootBenchKernel } from './bench-kernel.js';
import type { ContendedArgs, ContendedLock, ContendedResult } from './contended.job.js';

const CPUS = 2;
const PHASE_MS = 150;
const ROUNDS = 9;
const JOB = new URL('./contended.job.js', import.meta.url).href;

const LOCKS: { lock: ContendedLock; label: string }[] = [
  { lock: 'mutex', label: 'Mutex' },
  { lock: 'spin', label: 'SpinLock' },
  { lock: 'drepper', label: 'Drepper mutex' },
];

/** Acquisitions per second over all CPUs, [round][lock]. */
async function measure(locks: ContendedLock[], rounds: number, lockStat: boolean): Promise<number[][]> {
  const kernel = bootBenchKernel(CPUS, lockStat);
  const results = await runOnCpus<ContendedArgs, ContendedResult>({
    kernel,
    cpus: CPUS,
    job: { module: JOB, args: { locks, rounds, phaseMs: PHASE_MS, holdNs: 0, thinkNs: 0 } },
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function run(): Promise<SuiteResult> {
  const rates = await measure(LOCKS.map((l) => l.lock), ROUNDS, false);
  // Lock statistics on: the same Mutex loop, to show what measuring costs under contention.
  const statRates = await measure(['mutex'], 3, true);
  const col = (l: number): number[] => rates.map((r) => r[l]!);
  const drepper = LOCKS.findIndex((l) => l.lock === 'drepper');
  const rows = LOCKS.map((l, i) => ({ label: l.label, xs: col(i), vsDrepper: median(rates.map((r) => r[i]! / r[drepper]!)) }));
  rows.push({ label: 'Mutex, stats on', xs: statRates.map((r) => r[0]!), vsDrepper: NaN });
  const table = rows.map((r) => ({
    lock: r.label,
    'acq/s median (M)': +(median(r.xs) / 1e6).toFixed(2),
    'min (M)': +(Math.min(...r.xs) / 1e6).toFixed(2),
    'max (M)': +(Math.max(...r.xs) / 1e6).toFixed(2),
    'vs Drepper (median of rounds)': Number.isNaN(r.vsDrepper) ? '' : +r.vsDrepper.toFixed(2),
  }));
  const figures: Record<string, number> = {};
  for (const r of rows) figures[`${r.label.replace(/[^A-Za-z]+/g, '_')}_acq_per_s`] = median(r.xs);
  const mutexVsDrepper = rows[0]!.vsDrepper;
  figures.Mutex_vs_Drepper = mutexVsDrepper;
  const notes = [`${CPUS} CPUs; ${ROUNDS} rounds of ${PHASE_MS} ms phases per lock, locks alternating within each round`];
  const over = oversubscriptionNote(CPUS);
  if (over) notes.push(over);
  return {
    table,
    figures,
    targets: [target('2-CPU contended Mutex / Drepper mutex throughput', mutexVsDrepper, 'min', 1, 'x')],
    notes,
  };
}

export const suite: BenchSuite = {
  name: 'locks-contended',
  description: `${CPUS}-CPU contended lock throughput (acquisitions/s) via the CPU pool`,
  run,
};
