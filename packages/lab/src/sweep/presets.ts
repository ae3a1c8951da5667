// Sweeps that ship with the tool, by name (`percpu-lab sweep --preset NAME`).
// A preset is an ordinary sweep spec; `--preset NAME --print-spec` prints it
// as a file to copy and edit.
import { availableParallelism } from 'node:os';
import { SweepSpecError } from './errors.js';
import type { SweepSpec } from './spec.js';

/** 1, 2, 4 … up to `max`, plus `max` itself when it is not a power of two. */
export function doublingsUpTo(max: number): number[] {
  const out: number[] = [];
  for (let n = 1; n <= max; n *= 2) out.push(n);
  if (out[out.length - 1] !== max) out.push(max);
  return out;
}

interface Preset {
  description: string;
  spec: () => SweepSpec;
}

export const PRESETS: Record<string, Preset> = {
  'doexec-threads': {
    description: 'doexec on the threads engine, 1 to host cores, every strategy, 3 repeats',
    spec: () => ({
      name: 'doexec-threads',
      workloads: ['doexec'],
      engines: ['threads'],
      strategies: ['all'],
      cpus: doublingsUpTo(availableParallelism()),
      repeats: 3,
      noiseThreshold: 0.1,
      run: { ops: 5000, warmup: 500, seed: 1 },
    }),
  },
  'doexec-virtual': {
    description: 'doexec on the virtual engine (kernel profile), 1 to 256 CPUs, every strategy',
    spec: () => ({
      name: 'doexec-virtual',
      workloads: ['doexec'],
      engines: ['virtual'],
      strategies: ['all'],
      cpus: doublingsUpTo(256),
      repeats: 1,
      noiseThreshold: 0.1,
      run: { ops: 1000, warmup: 100, seed: 1, profile: 'kernel' },
    }),
  },
};

export function presetSpec(name: string): SweepSpec {
  const p = PRESETS[name];
  if (!p) throw new SweepSpecError(`unknown sweep preset "${name}"; known presets: ${Object.keys(PRESETS).join(', ')}`);
  return p.spec();
}
