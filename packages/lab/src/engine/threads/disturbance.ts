// How much the host disturbed a threads point: time each CPU's thread spent
// runnable but waiting for a host core (the scheduler's run-queue delay,
// /proc/thread-self/schedstat) and how often it was preempted (involuntary
// context switches, /proc/thread-self/status), over its measured window;
// plus the host's 1-minute load average when the point ended. Other
// engineers' jobs, the V8 compiler threads and, when oversubscribed, our
// own CPUs all show up as run-queue delay; only the part beyond what
// oversubscription explains counts against the point. Taking each CPU's
// run-queue delay out of its window gives the throughput the point would
// read had the host never kept a runnable CPU off a core (lock waits in
// Atomics.wait stay in: they are the model's).
//
// A point is disturbed when some CPU waited for a core more than
// DISTURBED_SHARE of its window beyond that. Its throughput then measures
// the host as much as the model, so the regression gate skips it. Without
// /proc (not Linux) nothing is measured and nothing is marked.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { HostDisturbance } from '../../results/schema.js';

/** Run-queue delay, as a share of the window beyond oversubscription, that marks a point disturbed. */
export const DISTURBED_SHARE = 0.05;

/** One thread's scheduler counters at one moment. */
export interface SchedSample {
  /**
   * Time the thread has waited, runnable, for a core. The kernel adds each
   * wait when the thread gets a core back, so a thread reading its own
   * figure sees it exact; its run time (the first field) is only brought up
   * to date at ticks and would be off by up to a tick per reading.
   */
  runDelayNs: number;
  involuntary: number;
}

/** This thread's counters, or null where /proc/thread-self is unavailable. */
export function schedSample(): SchedSample | null {
  try {
    const stat = readFileSync('/proc/thread-self/schedstat', 'utf8').trim().split(/\s+/);
    const status = readFileSync('/proc/thread-self/status', 'utf8');
    const m = /^nonvoluntary_ctxt_switches:\s*(\d+)/m.exec(status);
    const runDelayNs = Number(stat[1]);
    if (m === null || !Number.isFinite(runDelayNs)) return null;
    return { runDelayNs, involuntary: Number(m[1]) };
  } catch {
    return null;
  }
}

/** What one CPU's thread suffered during its measured window. */
export interface CpuDisturbance {
  /** Run-queue delay over the window length. */
  runQueueShare: number;
  involuntarySwitches: number;
  /** The window less the run-queue delay: time the thread had a core or chose to sleep (lock waits). */
  onCoreNs: number;
}

export function cpuDisturbance(before: SchedSample | null, after: SchedSample | null, windowNs: number): CpuDisturbance | null {
  if (before === null || after === null || windowNs <= 0) return null;
  const delay = after.runDelayNs - before.runDelayNs;
  return { runQueueShare: delay / windowNs, involuntarySwitches: after.involuntary - before.involuntary, onCoreNs: windowNs - delay };
}

/** `ops[i]` is what CPU i completed in its window. */
export function pointDisturbance(cpus: readonly (CpuDisturbance | null)[], ops: readonly number[], nrCpus: number, hostCores: number): HostDisturbance | null {
  if (cpus.length === 0 || cpus.some((c) => c === null)) return null;
  const seen = cpus as readonly CpuDisturbance[];
  const runQueueShare = Math.max(...seen.map((c) => c.runQueueShare));
  const expectedShare = Math.max(0, 1 - hostCores / nrCpus);
  return {
    runQueueShare,
    expectedShare,
    involuntarySwitches: seen.reduce((s, c) => s + c.involuntarySwitches, 0),
    onCoreThroughput: seen.reduce((s, c, i) => s + (c.onCoreNs > 0 ? ops[i]! / (c.onCoreNs / 1e9) : 0), 0),
    loadAvg1: loadavg()[0]!,
    disturbed: runQueueShare > expectedShare + DISTURBED_SHARE,
    rule: `disturbed when a CPU waited for a host core more than ${DISTURBED_SHARE * 100}% of its window beyond what oversubscription explains`,
  };
}
