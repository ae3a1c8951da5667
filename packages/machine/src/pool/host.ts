// Facts about the host a run needs: how many cores it really has (to say
// when emulated CPUs outnumber them) and how fast spend() must loop.
import { availableParallelism } from 'node:os';
import { calibrateSpin } from '../real-cpu.js';

export interface Oversubscription {
  cpus: number;
  hostCores: number;
  /** cpus / hostCores; above 1 means CPUs share cores and contention is partly the host's. */
  factor: number;
  oversubscribed: boolean;
}

export function oversubscription(cpus: number): Oversubscription {
  const hostCores = availableParallelism();
  return { cpus, hostCores, factor: cpus / hostCores, oversubscribed: cpus > hostCores };
}

/** The line reports print when CPUs outnumber cores, or '' when they don't. */
export function oversubscriptionNote(cpus: number): string {
  const o = oversubscription(cpus);
  if (!o.oversubscribed) return '';
  return `OVERSUBSCRIBED: ${o.cpus} emulated CPUs on ${o.hostCores} host cores (${o.factor.toFixed(1)}x); ` +
    'waits include time the host did not schedule a CPU';
}

let nsPerIter: number | undefined;

/** calibrateSpin() once per process: every run's CPUs burn time at the same rate. */
export function spinCalibration(): number {
  nsPerIter ??= calibrateSpin();
  return nsPerIter;
}
