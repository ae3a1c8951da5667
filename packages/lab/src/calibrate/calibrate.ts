// `percpu-lab calibrate`: fit the virtual engine's cost profile to what the
// threads engine measures on this host, over several operating points.
//
// Measured directly (host-figures.ts): lock pairs, atomics, hand-offs,
// sleep/wake, the mutex's spin window. Fitted (fit.ts): every other price
// of the kernel profile, by NNLS on relative error, over the 1-CPU points
// (each work-ns × footprint, every strategy). The units a strategy uses per
// lifetime come from virtual runs at the same point with that one price at
// 1 and the others at 0.
//
// Why only 1-CPU points are fitted, and the others are checks: at one CPU
// nothing waits, so the virtual engine's time per lifetime is a linear
// function of the prices. At N CPUs it is not: a lock wait is the holder's
// remaining hold time, which grows with the prices of what runs under the
// lock, and a waiter's price switches between spinning and sleep/wake at
// the spin window. The contention figures those waits are made of are
// measured directly, so the N-CPU points test the whole profile instead:
// each point's residual is the calibrated virtual engine against the
// threads engine, the comparison `percpu-lab validate` judges.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isShapeFigure, type ProfileFile } from '../cost-model/index.js';
import type { HostFigures } from './host-figures.js';
import { fitPrices, type Fit, type Observation } from './fit.js';
import {
  measure, operatingPoints, pointFlags, pointLabel, resolveDerivedWork, threadsRate, workNsOf,
  type OperatingPoint, type RunFlags, type ScenarioRunner, type ThreadsRate, type WorkSetting,
} from './points.js';
import { calibratedCosts } from './profile-costs.js';

/** Virtual lifetimes per CPU of a unit run: units per lifetime are averages that settle well within this. */
export const UNIT_OPS = 1000;

export interface CalibrateOptions {
  runner: ScenarioRunner;
  figures: HostFigures;
  /** The kernel profile: which figures exist, and the shape figures kept. */
  base: ProfileFile;
  strategies: readonly string[];
  work: readonly WorkSetting[];
  footprints: readonly (string | null)[];
  /** CPU counts; the 1-CPU points are fitted, the others checked. */
  cpus: readonly number[];
  ops: number;
  repeats: number;
  /** The threads-engine rate fitted to and checked against. */
  rate: ThreadsRate;
  /** Where unit and candidate profile files go. */
  scratchDir: string;
  /** Written into the profile's description. */
  describe: string;
  log(line: string): void;
}

export interface StrategyResidual {
  strategy: string;
  /** ns of one CPU per lifetime: cpus × 1e9 / throughput. */
  threadsNs: number;
  virtualNs: number;
  /** virtual / threads − 1. */
  relErr: number;
  /** Every threads repeat was disturbed by the host. */
  disturbed: boolean;
}

export interface CalibrationPoint {
  point: OperatingPoint;
  workNs: number;
  label: string;
  /** 1-CPU points are fitted; the others only checked. */
  fitted: boolean;
  strategies: StrategyResidual[];
}

export interface Calibration {
  profile: ProfileFile;
  fit: Fit;
  /** Fitted and kept kinds in the order the profile lists them. */
  fittedKinds: string[];
  points: CalibrationPoint[];
}

const nsPerLifetime = (cpus: number, throughput: number) => (throughput > 0 ? (cpus * 1e9) / throughput : Infinity);

/** Every figure of `base` at 0 except `kind` at 1, shape figures as in `costs`. */
function unitProfile(base: ProfileFile, costs: ProfileFile['costs'], kind: string): ProfileFile {
  const unit = Object.fromEntries(
    Object.entries(costs).map(([k, e]) => [k, { ...e, value: isShapeFigure(k) ? e.value : k === kind ? 1 : 0 }]),
  );
  return { ...base, name: `unit-${kind}`, costs: unit as ProfileFile['costs'] };
}

function writeProfile(dir: string, file: string, profile: ProfileFile): string {
  const path = join(dir, file);
  writeFileSync(path, `${JSON.stringify(profile, null, 2)}\n`);
  return path;
}

/** Units per lifetime of every priced kind, per strategy, at one 1-CPU point. */
async function unitsAt(o: CalibrateOptions, flags: RunFlags, workNs: number, kinds: readonly string[], costs: ProfileFile['costs'], tag: string) {
  const units = new Map<string, Record<string, number>>(o.strategies.map((s) => [s, {}]));
  for (const kind of kinds) {
    const profile = writeProfile(o.scratchDir, `unit-${tag}-${kind}.json`, unitProfile(o.base, costs, kind));
    const r = await o.runner({ ...flags, engine: 'virtual', profile, ops: String(UNIT_OPS), warmup: String(UNIT_OPS) });
    // From the window, not the throughput: a strategy that never pays this price has a zero window and no rate.
    for (const p of r.points) units.get(p.strategy)![kind] = Math.max(0, p.elapsedNs / p.lifetimes - workNs);
  }
  return units;
}

export async function calibrate(o: CalibrateOptions): Promise<Calibration> {
  mkdirSync(o.scratchDir, { recursive: true });
  // The mm path alone: the calibrated profile prices no exec path (the threads engine's work phase stands in for it).
  const common = { workload: 'doexec', strategy: o.strategies.join(','), seed: '1', binary: 'none' };
  const derived = await resolveDerivedWork(o.runner, common, o.work, o.footprints);
  for (const [f, w] of derived) o.log(`derived work-ns ${w}${f === null ? '' : ` at footprint ${f}`} (threads engine, 1 CPU, baseline)`);

  const points = operatingPoints(o.work, o.footprints, o.cpus);
  const measured = [];
  for (const [i, point] of points.entries()) {
    const workNs = workNsOf(point, derived);
    const label = pointLabel(point, workNs);
    o.log(`[${i + 1}/${points.length}] threads engine, ${label}, ${o.repeats} repeat(s)`);
    const flags = { ...common, ...pointFlags(point, workNs) };
    measured.push({ point, workNs, label, flags, threads: await measure(o.runner, { ...flags, engine: 'threads', ops: String(o.ops) }, o.repeats) });
  }

  const draft = calibratedCosts(o.base, o.figures);
  const pricedKinds = Object.keys(o.base.costs).filter((k) => !isShapeFigure(k));
  const fittedKinds = pricedKinds.filter((k) => !(k in draft.known));
  const observations: Observation[] = [];
  const fittedPoints = measured.filter((m) => m.point.cpus === 1);
  for (const [i, m] of fittedPoints.entries()) {
    o.log(`units per lifetime, ${m.label}: ${pricedKinds.length} virtual runs`);
    const units = await unitsAt(o, m.flags, m.workNs, pricedKinds, draft.costs, String(i));
    for (const t of m.threads) {
      observations.push({ label: `${t.strategy}, ${m.label}`, measuredNs: nsPerLifetime(1, threadsRate(t, o.rate)), fixedNs: m.workNs, units: units.get(t.strategy)! });
    }
  }
  const fit = fitPrices(observations, draft.known, fittedKinds);
  const pointsText = fittedPoints.map((m) => m.label).join('; ');
  const profile: ProfileFile = {
    format: o.base.format,
    name: 'calibrated',
    description: o.describe,
    costs: draft.withFit(fit, `${o.strategies.length} strategies at ${pointsText}; threads engine ${o.ops} lifetimes per CPU, median of ${o.repeats} repeat(s), ${o.rate === 'wall' ? 'wall-clock' : 'on-core'} rate`),
  };

  const candidate = writeProfile(o.scratchDir, 'candidate.json', profile);
  const out: CalibrationPoint[] = [];
  for (const m of measured) {
    const v = await o.runner({ ...m.flags, engine: 'virtual', profile: candidate, ops: String(o.ops) });
    const strategies = m.threads.map((t) => {
      const threadsNs = nsPerLifetime(m.point.cpus, threadsRate(t, o.rate));
      const vp = v.points.find((p) => p.strategy === t.strategy)!;
      const virtualNs = nsPerLifetime(m.point.cpus, vp.throughput);
      return { strategy: t.strategy, threadsNs, virtualNs, relErr: virtualNs / threadsNs - 1, disturbed: t.disturbed };
    });
    out.push({ point: m.point, workNs: m.workNs, label: m.label, fitted: m.point.cpus === 1, strategies });
  }
  return { profile, fit, fittedKinds, points: out };
}
