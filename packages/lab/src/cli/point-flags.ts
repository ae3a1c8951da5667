// Flags shared by `calibrate` and `validate` that name operating points:
// --work-ns LIST (numbers and/or "derived"), --footprints LIST (passed to
// every run as --work-footprint), --ops, --repeats, --threads-rate. Each bad value is a
// UsageError naming the flag.
import type { WorkSetting } from '../calibrate/points.js';
import { loadScenario } from '../scenario/load.js';
import type { RunFlags } from '../calibrate/points.js';
import { UsageError } from './errors.js';

export const POINT_FLAG_OPTIONS = {
  'work-ns': { type: 'string' },
  footprints: { type: 'string' },
  ops: { type: 'string' },
  repeats: { type: 'string' },
  'threads-rate': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function list(value: string): string[] {
  return value.split(',').map((s) => s.trim());
}

export function workList(value: string | undefined, fallback: readonly WorkSetting[]): WorkSetting[] {
  if (value === undefined) return [...fallback];
  return list(value).map((s) => {
    if (s === 'derived') return 'derived';
    const n = Number(s);
    if (s === '' || !Number.isInteger(n) || n < 0) throw new UsageError(`--work-ns takes a comma list of non-negative integers and "derived", got '${value}'`);
    return n;
  });
}

/** --footprints a,b, or `fallback` without it (null: the scenario default, no flag). */
export function footprintList(value: string | undefined, fallback: readonly (string | null)[]): (string | null)[] {
  if (value === undefined) return [...fallback];
  const fs = list(value);
  if (fs.some((f) => f === '')) throw new UsageError(`--footprints takes a comma list of sizes such as 64KiB,512KiB, got '${value}'`);
  return fs;
}

export function cpuList(value: string | undefined, fallback: readonly number[], max: number): number[] {
  if (value === undefined) return [...fallback];
  return list(value).map((s) => {
    const n = Number(s);
    if (s === '' || !Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--cpus takes a comma list of CPU counts from 1 to ${max}, got '${value}'`);
    return n;
  });
}

/** Check every scenario a command will run before the first one starts (bad input is exit 2 at once, not minutes in). */
export async function preflight(flagSets: readonly RunFlags[]): Promise<void> {
  for (const flags of flagSets) await loadScenario(flags);
}

export const THREADS_RATE_HELP = `  --threads-rate R  wall (default): the threads engine's throughput as measured; on-core: with the
                    time other jobs kept its workers off a core taken out (for a loaded shared host)`;
