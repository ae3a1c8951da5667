// The contract between the CPU pool and the code it runs: what a caller asks
// for, what a job module exports, and what crosses the thread boundary.
import type { Kernel } from '../kernel.js';
import type { RealCpu } from '../real-cpu.js';

/** A job every CPU of a run executes once, each on its own worker thread. */
export interface CpuJob<A> {
  /** File URL (import.meta.url style) of a compiled ES module exporting cpuMain. */
  module: string;
  /** Structured-cloneable arguments, the same for every CPU. */
  args: A;
}

export interface RunOnCpusOptions<A> {
  /** Booted and published on the main thread. */
  kernel: Kernel;
  /** CPUs 0..cpus-1 each run the job once, on a worker of their own. */
  cpus: number;
  job: CpuJob<A>;
  /** Seeds every CPU's PRNG (each CPU gets its own stream). */
  seed: number;
  /** No progress on any CPU for this long ends the run with a diagnosis (default 5000). */
  watchdogMs?: number;
}

/** What cpuMain receives on its CPU. */
export interface CpuContext<A> {
  kernel: Kernel;
  cpu: RealCpu;
  args: A;
  /** CPUs taking part in this run (0..cpus-1); may be below kernel.nrCpus. */
  cpus: number;
  /** True once the run must end (another CPU crashed, the watchdog fired, or a deadline). */
  shouldStop(): boolean;
  /** Count one unit of work for the watchdog; call at least every few hundred ms. */
  progress(): void;
}

/** The shape of a job module. */
export interface CpuJobModule<A, R> {
  /** Optional: runs before the start barrier (load what the job needs, so loading does not skew the start). */
  cpuPrepare?(args: A): Promise<void>;
  cpuMain(ctx: CpuContext<A>): R | Promise<R>;
}

/** One CPU's task as posted to its worker; the SharedArrayBuffer is shared, not copied. */
export interface CpuTask<A> {
  sab: SharedArrayBuffer;
  cpu: number;
  cpus: number;
  seed: number;
  /** calibrateSpin() of the main thread, so every CPU's spend() agrees. */
  nsPerIter: number;
  /** The host core this CPU's thread is bound to (affinity.ts), or null to leave it to the host scheduler. */
  core: number | null;
  module: string;
  args: A;
}

/** A job's error, flattened so its class name survives the thread boundary. */
export interface CpuFailure {
  name: string;
  message: string;
  stack: string;
}

/** What a worker sends back: the job's result or how it failed, the worker thread it ran on and the core it was bound to. */
export type CpuOutcome<R> = ({ ok: true; result: R } | { ok: false; error: CpuFailure }) & { threadId: number; core: number | null };
