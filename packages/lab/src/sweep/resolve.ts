// Where a sweep's spec comes from: a preset, a sweep file (JSON or YAML), or
// the flags of `percpu-lab run`; flags given with a preset or file override
// its fields. `--workload` and `--engine` take lists here (a run has one of
// each). "all" strategies expands to the mm package's registry; entries that
// are paths are loaded (strategies/file.ts) and stand for their names. Every
// (workload, engine) cell is then validated by the run's own scenario rules,
// so a sweep never starts with a point the run command would refuse.
import { dirname, resolve } from 'node:path';
import { listStrategies } from '@percpu-lab/mm';
import { resolveStrategyRefs, strategySource } from '../strategies/file.js';
import { readScenarioFile } from '../scenario/load.js';
import { scenarioFromFlags } from '../scenario/flags.js';
import { expandAll, parseScenario } from '../scenario/validate.js';
import { SweepSpecError } from './errors.js';
import { presetSpec } from './presets.js';
import { parseSweepSpec, type SweepSpec } from './spec.js';
import { pointScenario } from './run.js';

type FlagValues = Record<string, string | boolean | undefined>;

const list = (s: string): string[] => s.split(',').map((x) => x.trim()).filter(Boolean);

function numberFlag(values: FlagValues, name: string): number | undefined {
  const v = values[name];
  if (typeof v !== 'string') return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new SweepSpecError(`--${name}: expected a number, got "${v}"`);
  return n;
}

/** Spec fields set by flags (matrix fields and run options). */
function flagOverrides(values: FlagValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const { workload, engine, ...rest } = values;
  if (typeof workload === 'string') out.workloads = list(workload);
  if (typeof engine === 'string') out.engines = list(engine);
  const { raw } = scenarioFromFlags(rest);
  const { strategies, cpus, out: _out, repeats: _repeats, ...run } = raw;
  if (strategies !== undefined) out.strategies = strategies;
  if (cpus !== undefined) out.cpus = cpus;
  if (Object.keys(run).length) out.run = run;
  const repeats = numberFlag(values, 'repeats');
  if (repeats !== undefined) out.repeats = repeats;
  const noise = numberFlag(values, 'noise-threshold');
  if (noise !== undefined) out.noiseThreshold = noise;
  return out;
}

function baseSpec(values: FlagValues): { raw: Record<string, unknown>; source: string } {
  if (typeof values.preset === 'string' && typeof values.file === 'string') {
    throw new SweepSpecError('give either --preset or --file, not both');
  }
  if (typeof values.preset === 'string') return { raw: presetSpec(values.preset), source: `preset ${values.preset}` };
  if (typeof values.file === 'string') return { raw: readScenarioFile(values.file), source: values.file };
  return { raw: {}, source: 'sweep flags' };
}

export async function resolveSweepSpec(values: FlagValues): Promise<SweepSpec> {
  const { raw, source } = baseSpec(values);
  const over = flagOverrides(values);
  const merged: Record<string, unknown> = { ...raw, ...over };
  if (over.run) merged.run = { ...(raw.run as Record<string, unknown> | undefined), ...(over.run as Record<string, unknown>) };
  merged.workloads ??= ['doexec'];
  merged.engines ??= ['threads'];
  const listedInFile = typeof values.file === 'string' && !('strategies' in over);
  merged.strategies = (await resolveStrategyRefs(merged.strategies, listedInFile ? dirname(resolve(values.file as string)) : process.cwd())) ?? ['all'];
  const names: unknown[] = Array.isArray(merged.strategies) ? merged.strategies : [];
  const files = names.flatMap((s) => {
    const src = typeof s === 'string' ? strategySource(s) : null;
    return src === null ? [] : [[s, src] as const];
  });
  if (files.length > 0) merged.strategyFiles = Object.fromEntries(files);
  else delete merged.strategyFiles;
  const registered = listStrategies().map((s) => s.name);
  if (Array.isArray(merged.strategies) && merged.strategies.every((s) => typeof s === 'string')) {
    merged.strategies = expandAll(merged.strategies as string[], registered);
  }
  const spec = parseSweepSpec(merged, source);
  // One run per (workload, engine) with every strategy and CPU count is what the points add up to.
  for (const workload of spec.workloads) {
    for (const engine of spec.engines) {
      const first = { index: 0, key: '', workload, engine, strategy: '', cpus: 1, repeat: 0 };
      const cell = { ...pointScenario(spec, first), strategies: spec.strategies, cpus: spec.cpus };
      parseScenario(cell, { file: source, fromFlags: new Set(), strategies: registered });
    }
  }
  return spec;
}
