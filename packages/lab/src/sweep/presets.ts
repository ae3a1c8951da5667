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

/**
 * The machines kernel developers quote doexec numbers for (KERNEL.md s.4):
 * one CPU, a 24-thread desktop, a two-socket 192-CPU server. Busy CPUs grow
 * on a fixed machine, so every point pays that machine's per-CPU loops.
 */
const MACHINES = {
  'doexec-1cpu': { what: 'a 1-CPU machine', machineCpus: 1, sockets: 1, threadsPerCore: 1, cpus: [1] },
  'doexec-desktop-24': { what: 'a 24-thread desktop (1 socket, 12 cores x 2 SMT threads)', machineCpus: 24, sockets: 1, threadsPerCore: 2, cpus: [1, 2, 4, 8, 12, 24] },
  'doexec-server-192': {
    what: 'a 2-socket 192-CPU server (2 x 48 cores x 2 SMT threads)', machineCpus: 192, sockets: 2, threadsPerCore: 2, cpus: [1, 2, 4, 8, 16, 24, 48, 96, 192],
  },
};

for (const [name, m] of Object.entries(MACHINES)) {
  PRESETS[name] = {
    description: `doexec on the virtual engine (kernel profile) on ${m.what}, every strategy`,
    spec: () => ({
      name,
      workloads: ['doexec'],
      engines: ['virtual'],
      strategies: ['all'],
      cpus: m.cpus,
      repeats: 1,
      noiseThreshold: 0.1,
      run: { ops: 500, warmup: 100, seed: 1, profile: 'kernel', machineCpus: m.machineCpus, sockets: m.sockets, threadsPerCore: m.threadsPerCore },
    }),
  };
}

export function presetSpec(name: string): SweepSpec {
  const p = PRESETS[name];
  if (!p) throw new SweepSpecError(`unknown sweep preset "${name}"; known presets: ${Object.keys(PRESETS).join(', ')}`);
  return p.spec();
}
