// Operating points shared by `percpu-lab calibrate` and `percpu-lab
// validate`: each is one scenario flag set (the flags of `percpu-lab run`,
// by name: 'work-ns', 'cpus', 'work-footprint', …), so a new scenario knob
// is one more flag passed through, and a test can read exactly what each
// engine was asked to run. Both commands run scenarios only through a
// ScenarioRunner, which a test replaces.
import type { RunResult } from '../results/schema.js';
import { loadScenario } from '../scenario/load.js';
import { runScenario } from '../scenario/run.js';
import { median } from '../stats/median.js';
import { medianInterval, type Interval } from '../stats/interval.js';
import { EngineRunFailed } from './errors.js';

/** Scenario flags by name, without the dashes, values as typed. */
export type RunFlags = Readonly<Record<string, string>>;
/** Runs one scenario; the real one is runFlags, tests inject their own. */
export type ScenarioRunner = (flags: RunFlags) => Promise<RunResult>;

/** A --work-ns value, or the threads engine's derivation (the 4 % rule). */
export type WorkSetting = number | 'derived';

export interface OperatingPoint {
  work: WorkSetting;
  /** A --work-footprint value, or null for the scenario default (no flag). */
  footprint: string | null;
  cpus: number;
}

export const DEFAULT_WORK: readonly WorkSetting[] = [0, 2000, 'derived'];

/** Every combination, work outermost, then footprint, then CPUs. */
export function operatingPoints(work: readonly WorkSetting[], footprints: readonly (string | null)[], cpus: readonly number[]): OperatingPoint[] {
  return work.flatMap((w) => footprints.flatMap((footprint) => cpus.map((c) => ({ work: w, footprint, cpus: c }))));
}

export function footprintFlags(footprint: string | null): Record<string, string> {
  return footprint === null ? {} : { 'work-footprint': footprint };
}

/** The point's own flags, its derived work resolved to the number both engines get. */
export function pointFlags(p: OperatingPoint, workNs: number): Record<string, string> {
  return { 'work-ns': String(workNs), cpus: String(p.cpus), ...footprintFlags(p.footprint) };
}

export function pointLabel(p: OperatingPoint, workNs: number): string {
  const work = p.work === 'derived' ? `work-ns ${workNs} (derived)` : `work-ns ${workNs}`;
  return `${work}${p.footprint === null ? '' : `, footprint ${p.footprint}`}, ${p.cpus} CPU${p.cpus === 1 ? '' : 's'}`;
}

/** The real runner: `percpu-lab run` with these flags, quietly; a run that did not complete is an EngineRunFailed. */
export async function runFlags(flags: RunFlags): Promise<RunResult> {
  const r = await runScenario(await loadScenario(flags), { log() {} });
  if (r.status !== 'complete') {
    const what = r.failure ? `${r.failure.kind}: ${r.failure.message}` : 'points missing';
    throw new EngineRunFailed(`${flags['engine'] ?? 'threads'} run (${Object.entries(flags).map(([k, v]) => `--${k} ${v}`).join(' ')}) failed: ${what}`);
  }
  return r;
}

/**
 * The work-ns the threads engine derives for this footprint: a one-CPU
 * baseline scenario that runs the derivation and a single lifetime. Both
 * engines then get that number, so they run the same work.
 */
export async function deriveThreadsWorkNs(runner: ScenarioRunner, base: RunFlags, footprint: string | null): Promise<number> {
  const r = await runner({ ...base, engine: 'threads', strategy: 'baseline', cpus: '1', ops: '1', warmup: '0', ...footprintFlags(footprint) });
  if (r.workNs === null) throw new EngineRunFailed(`the ${base['workload'] ?? 'doexec'} workload derived no work-ns`);
  return r.workNs.value;
}

/** Resolve each footprint's derived work once, and only when some point asks for it. */
export async function resolveDerivedWork(
  runner: ScenarioRunner, base: RunFlags, work: readonly WorkSetting[], footprints: readonly (string | null)[],
): Promise<Map<string | null, number>> {
  const derived = new Map<string | null, number>();
  if (!work.includes('derived')) return derived;
  for (const f of footprints) derived.set(f, await deriveThreadsWorkNs(runner, base, f));
  return derived;
}

export function workNsOf(p: OperatingPoint, derived: ReadonlyMap<string | null, number>): number {
  return p.work === 'derived' ? derived.get(p.footprint)! : p.work;
}

/** One strategy at one operating point on one engine: the median of its repeats. */
export interface Reading {
  strategy: string;
  /** Median aggregate throughput (lifetimes/s) of the repeats counted. */
  throughput: number;
  /**
   * Threads engine: the same median with each CPU's run-queue delay taken
   * out of its window (HostDisturbance.onCoreThroughput), i.e. what the
   * point reads when the host never keeps a runnable CPU off a core; null
   * where the host does not report it (and for the virtual engine).
   */
  onCoreThroughput: number | null;
  repeats: number[];
  /** 95 % interval of the median throughput over the repeats counted (null with too few for one). */
  interval: Interval | null;
  /** The same for the on-core throughput; null where the host does not report it. */
  onCoreInterval: Interval | null;
  /** Threads engine: repeats the host disturbed; the median leaves them out while an undisturbed one remains. */
  disturbedRepeats: number;
  /** Every repeat was disturbed. */
  disturbed: boolean;
}

/** Per strategy, the readings of `runs` (repeats of one scenario, one CPU count). */
export function readings(runs: readonly RunResult[]): Reading[] {
  const strategies = [...new Set(runs.flatMap((r) => r.points.map((p) => p.strategy)))];
  return strategies.map((strategy) => {
    const points = runs.flatMap((r) => r.points.filter((p) => p.strategy === strategy));
    const clean = points.filter((p) => p.disturbance?.disturbed !== true);
    const counted = clean.length > 0 ? clean : points;
    const onCore = counted.every((p) => p.disturbance) ? counted.map((p) => p.disturbance!.onCoreThroughput) : null;
    return {
      strategy,
      throughput: median(counted.map((p) => p.throughput)),
      onCoreThroughput: onCore && median(onCore),
      interval: medianInterval(counted.map((p) => p.throughput)),
      onCoreInterval: onCore && medianInterval(onCore),
      repeats: points.map((p) => p.throughput),
      disturbedRepeats: points.length - clean.length,
      disturbed: clean.length === 0,
    };
  });
}

/**
 * Which threads-engine rate a command compares: the wall-clock throughput,
 * or the on-core one, which leaves out the time other jobs on a shared host
 * kept the workers off a core (waits for our own locks stay in).
 */
export const THREADS_RATES = ['wall', 'on-core'] as const;
export type ThreadsRate = (typeof THREADS_RATES)[number];

/** The reading's rate of that kind; the wall-clock one where the host reports no on-core figure. */
export function threadsRate(r: Reading, which: ThreadsRate): number {
  return which === 'on-core' && r.onCoreThroughput !== null ? r.onCoreThroughput : r.throughput;
}

/** The interval of that rate (the same choice as threadsRate). */
export function threadsInterval(r: Reading, which: ThreadsRate): Interval | null {
  return which === 'on-core' && r.onCoreThroughput !== null ? r.onCoreInterval : r.interval;
}

/** Run one scenario `repeats` times and read it. */
export async function measure(runner: ScenarioRunner, flags: RunFlags, repeats: number): Promise<Reading[]> {
  const runs: RunResult[] = [];
  for (let r = 0; r < repeats; r++) runs.push(await runner(flags));
  return readings(runs);
}
