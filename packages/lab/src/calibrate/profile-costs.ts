// The calibrated profile's entries, each with the measurement or fit it
// came from written next to it (a profile never holds a number without its
// reason). Figures the kernel profile has and nothing here measures or
// fits keep the kernel's value, and say so.
import type { ProfileFile } from '../cost-model/index.js';
import type { Fit } from './fit.js';
import { HAND_OFF_ROUNDS, type HostFigures } from './host-figures.js';

type Costs = ProfileFile['costs'];
type Entry = { value: number; source: string };

const fmt = (ns: number) => (ns >= 100 ? ns.toFixed(0) : ns.toPrecision(3));
const entry = (value: number, source: string): Entry => ({ value: Number(value.toPrecision(6)), source });

export interface CalibratedCosts {
  /** Prices measured on this host, held fixed in the fit. */
  known: Record<string, number>;
  /** The kernel profile with the measured and shape figures replaced. */
  costs: Costs;
  /** The final entries: `costs` with the fitted prices and their residuals. */
  withFit(fit: Fit, over: string): Costs;
}

export function calibratedCosts(base: ProfileFile, f: HostFigures): CalibratedCosts {
  const { spinning, sleeping } = HAND_OFF_ROUNDS;
  const handOff = `One hand-off of a word between two workers spinning on it (Atomics ping-pong, half the mean round trip of the fastest of ${spinning.rounds} rounds of ${spinning.n}): ${fmt(f.handOffNs)} ns.`;
  const measured: Record<string, Entry> = {
    atomicNs: entry(f.atomicNs, `Atomics.add on kernel memory, one CPU, fastest of 7 timed loops: ${fmt(f.atomicNs)} ns.`),
    spinLockNs: entry(f.spinPairNs / 2, `Half of an uncontended spin_lock + spin_unlock pair of the threads engine's Atomics spinlock (pcpu_lock), lock statistics on: ${fmt(f.spinPairNs)} ns per pair.`),
    spinUnlockNs: entry(f.spinPairNs / 2, `The other half of the same pair (${fmt(f.spinPairNs)} ns).`),
    mutexLockNs: entry(f.mutexPairNs / 2, `Half of an uncontended mutex_lock + mutex_unlock pair of the threads engine's Atomics mutex (pcpu_alloc_mutex), lock statistics on: ${fmt(f.mutexPairNs)} ns per pair.`),
    mutexUnlockNs: entry(f.mutexPairNs / 2, `The other half of the same pair (${fmt(f.mutexPairNs)} ns).`),
    lineTransferSmtNs: entry(f.handOffNs, `This host's threads are not pinned to SMT siblings: the same hand-off as between cores. ${handOff}`),
    lineTransferSameSocketNs: entry(f.handOffNs, handOff),
    lineTransferCrossSocketNs: entry(f.handOffNs, `This host is treated as one socket: the same hand-off as within a socket. ${handOff}`),
    dramLocalNs: entry(f.handOffNs, `Not measured: on one CPU the loops over CPUs find every line in this CPU's cache; the hand-off stands in. ${handOff}`),
    dramRemoteNs: entry(f.handOffNs, `This host is treated as one socket: as dramLocalNs. ${handOff}`),
    mutexSleepWakeNs: entry(f.sleepWakeNs, `One hand-off between two workers that sleep in Atomics.wait and are woken by Atomics.notify (half the mean round trip of the fastest of ${sleeping.rounds} rounds of ${sleeping.n}): ${fmt(f.sleepWakeNs)} ns.`),
  };
  const shape: Partial<Costs> = {
    mutexSpinWindowNs: entry(f.mutexSpinWindowNs, `The threads engine's mutex polls the lock word up to MUTEX_SPIN_POLLS = ${f.spinPolls} times (machine/src/atomics-lock.ts; adaptive, down to a floor after failed spins) before it sleeps; one Atomics.load poll is ${fmt(f.pollNs)} ns here.`),
    lineOverlap: { value: 1, source: 'JavaScript loops on kernel memory do not overlap their misses the way a core keeps fill buffers busy: 1.' },
    lockDataLines: { ...base.costs.lockDataLines, source: `The model's critical sections touch the same shared structures as the kernel's, so the kernel profile's line counts are kept: ${base.costs.lockDataLines.source}` },
    ...(f.caches === null ? {} : {
      privateCacheBytes: { value: f.caches.privateCacheBytes, source: `This host's level-2 cache, ${f.caches.text}.` },
      llcBytesPerCore: { value: f.caches.llcBytesPerCore, source: `This host's last-level cache divided by the CPUs sharing it, ${f.caches.text}.` },
    }),
  };
  const costs = { ...base.costs, ...measured, ...shape } as Costs;
  return {
    known: Object.fromEntries(Object.entries(measured).map(([k, e]) => [k, e.value])),
    costs,
    withFit(fit, over) {
      const worst = fit.residuals.reduce((w, r) => Math.max(w, Math.abs(r.relErr)), 0);
      const fitted = `Fitted by percpu-lab calibrate (non-negative least squares on relative error) to the threads engine's 1-CPU ns per mm lifetime, ${over}; largest residual of the linear fit ${(worst * 100).toFixed(1)} %.`;
      const kept = (k: string) => `Not exercised by any strategy at the calibration points, so nothing here measures it; kept from the kernel profile (${base.costs[k as keyof Costs]?.value}).`;
      const out = { ...costs } as Record<string, unknown>;
      for (const [k, v] of Object.entries(fit.prices)) out[k] = entry(v, k === 'stepNs' ? `Host work of one program step that the model does not price (workload bookkeeping, latency recording, unpriced allocator code). ${fitted}` : fitted);
      for (const k of fit.unexercised) out[k] = { ...base.costs[k as keyof Costs], source: kept(k) };
      return out as Costs;
    },
  };
}
