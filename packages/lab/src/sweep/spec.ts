// What a sweep is: a matrix of workloads × engines × strategies × CPU counts
// × repeats. Everything else a point needs (op count or duration, work per
// cycle, seed, cost profile, topology, memory size…) is the `run` part, the
// same options `percpu-lab run` takes, handed unchanged to the scenario of
// every point. A sweep file is this spec in JSON or YAML.
import { z } from 'zod';
import {
  ENGINE_NAMES, FIELDS, MAX_CPUS, ScenarioInput, WORKLOAD_NAMES, type EngineName, type FieldName, type WorkloadName,
} from '../scenario/schema.js';
import { SweepSpecError } from './errors.js';

/** Repeats whose throughput spreads wider than this (max−min over median) are flagged noisy. */
export const DEFAULT_NOISE_THRESHOLD = 0.1;

const positiveInts = z.array(z.number().int().min(1).max(MAX_CPUS)).min(1);

/** The scenario fields every point shares; the matrix fields (repeats among them) and --out belong to the sweep. */
const RunOptions = ScenarioInput.omit({ workload: true, strategies: true, cpus: true, engine: true, out: true, repeats: true });
const names = z.array(z.string().min(1)).min(1);

/**
 * A sweep's name becomes its default output directory, results/sweep-<name>:
 * no path separator, no leading dot, so the name can never point elsewhere.
 */
const SWEEP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const SweepSpecSchema = z.strictObject({
  name: z.string().regex(SWEEP_NAME).default('custom'),
  workloads: z.array(z.enum(WORKLOAD_NAMES)).min(1),
  strategies: names,
  cpus: positiveInts,
  engines: z.array(z.enum(ENGINE_NAMES)).min(1),
  repeats: z.number().int().min(1).max(100).default(1),
  noiseThreshold: z.number().positive().max(10).default(DEFAULT_NOISE_THRESHOLD),
  /** Options of `percpu-lab run` shared by every point (ops, workNs, seed, profile, …). */
  run: RunOptions.default({}),
  /**
   * Set by the sweep, not by hand, when strategies are given by path: the
   * file and sha256 of each, so resuming after a file changed is a
   * different sweep.
   */
  strategyFiles: z.record(z.string(), z.strictObject({ path: z.string(), sha256: z.string() })).optional(),
});

export type SweepSpec = z.infer<typeof SweepSpecSchema>;

/** One cell of the matrix: what a single engine run measures. */
export interface SweepPoint {
  readonly index: number;
  readonly key: string;
  readonly workload: WorkloadName;
  readonly engine: EngineName;
  readonly strategy: string;
  readonly cpus: number;
  readonly repeat: number;
}

/** The flag that sets each matrix field, and what it expects (the run's own wording where the run has the field). */
const MATRIX_FIELDS: Record<string, { flag: string; expect: string }> = {
  name: { flag: '--file', expect: "a name of letters, digits, '.', '_' and '-', starting with a letter or digit (it names the directory results/sweep-<name>)" },
  workloads: { flag: '--workload', expect: `a non-empty list of ${WORKLOAD_NAMES.join(', ')}` },
  engines: { flag: '--engine', expect: `a non-empty list of ${ENGINE_NAMES.join(', ')}` },
  strategies: { flag: '--strategy', expect: FIELDS.strategies.expect },
  cpus: { flag: '--cpus', expect: FIELDS.cpus.expect },
  repeats: { flag: '--repeats', expect: 'an integer in 1..100' },
  noiseThreshold: { flag: '--noise-threshold', expect: 'a spread in (0, 10], e.g. 0.1 for 10 %' },
};

function describe(path: readonly PropertyKey[]): { field: string; flag: string; expect: string } {
  const [top, sub] = path.map(String);
  if (top === 'run' && sub !== undefined && sub in FIELDS) {
    const f = FIELDS[sub as FieldName];
    return { field: `run.${sub}`, flag: f.flag, expect: f.expect };
  }
  const m = MATRIX_FIELDS[top ?? ''];
  return m ? { field: top!, ...m } : { field: path.join('.') || '(top level)', flag: '', expect: '' };
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** Validate a parsed sweep file or flag set; the first bad field as one line naming its flag, expectation and value. */
export function parseSweepSpec(raw: unknown, source: string): SweepSpec {
  const r = SweepSpecSchema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    throw new SweepSpecError(`${source}: unknown field ${issue.keys.join(', ')}${issue.path.length ? ` in ${issue.path.join('.')}` : ''}`);
  }
  const d = describe(issue.path);
  const flag = d.flag ? ` (${d.flag})` : '';
  const got = valueAt(raw, issue.path);
  throw new SweepSpecError(`${source}: field ${d.field}${flag}: expected ${d.expect || issue.message}${got === undefined ? '' : `, got ${JSON.stringify(got)}`}`);
}

export function pointKey(p: Omit<SweepPoint, 'index' | 'key'>): string {
  return `${p.workload}.${p.engine}.${p.strategy}.cpus${p.cpus}.r${p.repeat}`;
}

/**
 * The matrix in its one canonical order (workload, engine, strategy, CPUs,
 * repeat). Shards slice this order, so every machine must compute the same
 * list from the same spec.
 */
export function sweepPoints(spec: SweepSpec): SweepPoint[] {
  const out: SweepPoint[] = [];
  const cpus = [...new Set(spec.cpus)].sort((a, b) => a - b);
  for (const workload of spec.workloads)
    for (const engine of spec.engines)
      for (const strategy of spec.strategies)
        for (const n of cpus)
          for (let repeat = 0; repeat < spec.repeats; repeat++) {
            const p = { workload, engine, strategy, cpus: n, repeat };
            out.push({ ...p, index: out.length, key: pointKey(p) });
          }
  return out;
}

/** Canonical JSON of a spec, to tell whether two output directories hold the same sweep. */
export function specFingerprint(spec: SweepSpec): string {
  return JSON.stringify(spec, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}
