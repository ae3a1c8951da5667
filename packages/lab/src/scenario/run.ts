// Running a scenario: pick the engine, settle the work per cycle (derived
// once per run and printed, unless given), run every point in order —
// with --repeats, round by round (every strategy at every CPU count, then
// the next round with seed + 1, in the opposite order), so the host's slow
// drift hits every point alike, the ratios within a round cancel it, and
// drift within a round favours no point over the rounds — and assemble the
// result. The first point that fails ends the run: its partial
// numbers are kept and marked, the points after it are not run, and the
// result as a whole is partial. A point whose post-run checks fail (percpu
// verify, rss count, leak) fails the run the same way. Input errors —
// including sizes the kernel cannot boot with — surface before any point
// runs.
import { oversubscriptionNote } from '@percpu-lab/machine';
import { bootPoint } from '../boot.js';
import { getEngine } from '../engine/load.js';
import { pointResult } from '../metrics/point.js';
import { speedText, virtualSpeed, type VirtualSpeed } from '../engine/virtual/speed.js';
import { buildResult } from '../results/build.js';
import type { PointFailure, ResultPoint, RunResult } from '../results/schema.js';
import { expandPoints, pointBase, pointName } from './points.js';
import { MM_CYCLE_WORKLOADS, type Scenario } from './schema.js';

export interface RunHooks {
  /** Progress and derivation lines, as they happen (stderr in the CLI). */
  log(line: string): void;
  /**
   * After every point but the last: the result so far, marked partial, so
   * a run killed midway (Ctrl-C, a CI timeout) keeps the points it finished.
   */
  onPoint?(soFar: RunResult): void;
}

function checkFailure(p: ResultPoint): PointFailure | null {
  for (const [name, c] of Object.entries(p.checks)) {
    if (c.status === 'failed') return { kind: 'CheckFailed', message: `${name} check failed: ${c.detail}` };
  }
  return null;
}

/** Round r's points: forward in even rounds, backward in odd ones (A B … B A). */
function roundOrder<T>(points: readonly T[], r: number): T[] {
  return r % 2 === 0 ? [...points] : [...points].reverse();
}

export async function runScenario(scenario: Scenario, hooks: RunHooks): Promise<RunResult> {
  const engine = await getEngine(scenario.engine);
  const base = pointBase(scenario);
  // Sizes that cannot boot are bad input: find out before anything runs (boot is cheap; memory is only reserved).
  for (const strategy of scenario.strategies) bootPoint({ ...base, strategy, cpus: Math.max(...scenario.cpus) });
  let workNs: RunResult['workNs'] = null;
  if (MM_CYCLE_WORKLOADS.includes(scenario.workload)) {
    if (scenario.workNs !== null) {
      workNs = { value: scenario.workNs, derived: false, percpuPathNs: null, lifetimeNs: null, cycleNs: null, derivation: [] };
    } else {
      // The 4 % rule is a one-process figure: derive on a one-CPU machine, whatever machine the points run on.
      const d = await engine.deriveWorkNs({ ...base, cpus: 1, machineCpus: 1, sockets: 1, threadsPerCore: 1, strategy: 'baseline' });
      for (const line of d.text) hooks.log(line);
      workNs = {
        value: d.workNs, derived: true, percpuPathNs: d.percpuPathNs, lifetimeNs: d.lifetimeNs, cycleNs: d.cycleNs, derivation: d.text,
      };
      base.knobs = { ...base.knobs, workNs: d.workNs };
    }
  }
  const specs = expandPoints(scenario, base);
  await engine.prepare(specs[0]!);
  const oversubscription = engine.name === 'threads' ? oversubscriptionNote(Math.max(...scenario.cpus)) : '';
  if (oversubscription !== '') hooks.log(oversubscription);

  const rounds = Array.from({ length: scenario.repeats }, (_, r) => roundOrder(specs, r).map((spec) => ({ r, spec: { ...spec, seed: spec.seed + r } }))).flat();
  const points: ResultPoint[] = [];
  const speeds: VirtualSpeed[] = [];
  let failure: RunResult['failure'] = null;
  for (const [i, { r, spec }] of rounds.entries()) {
    const name = pointName(spec) + (scenario.repeats > 1 ? ` r${r}` : '');
    hooks.log(`[${i + 1}/${rounds.length}] ${name} (${engine.name} engine)...`);
    const t0 = Date.now();
    const raw = await engine.runPoint(spec);
    const p = pointResult(raw);
    if (scenario.repeats > 1) p.repeat = r;
    points.push(p);
    const speed = raw.simulation && virtualSpeed(name, raw.simulation.ops, raw.simulation.seconds);
    if (speed) speeds.push(speed);
    const f = p.failure ?? checkFailure(p);
    hooks.log(`[${i + 1}/${rounds.length}] ${name}: ${Math.round(p.throughput)} ops/s over ${p.lifetimes} ops, ` +
      `${((Date.now() - t0) / 1000).toFixed(1)} s${speed ? `, ${speedText(spec.workload, speed)}` : ''}${f === null ? '' : ` — FAILED: ${f.kind}: ${f.message}`}`);
    if (f !== null) {
      failure = { ...f, point: name };
      break;
    }
    if (i < rounds.length - 1) {
      hooks.onPoint?.(buildResult({ scenario, engine: engine.name, workNs, points, expectedPoints: rounds.length, failure: null, oversubscription, virtualSpeed: speeds }));
    }
  }
  return buildResult({ scenario, engine: engine.name, workNs, points, expectedPoints: rounds.length, failure, oversubscription, virtualSpeed: speeds });
}
