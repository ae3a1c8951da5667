// What `check` compares: a run's result JSON, or a sweep output directory
// (every repeat aggregated to its median). Either side may be either. Any
// failure to read one becomes a single-line CheckInputError naming the file
// and what to do, never a stack trace.
import { readFileSync, statSync } from 'node:fs';
import type { SummaryRow } from '../results/schema.js';
import { summarise } from '../sweep/aggregate.js';
import { resultPoints } from '../sweep/result-adapter.js';
import { DEFAULT_NOISE_THRESHOLD } from '../sweep/spec.js';
import { SweepStore } from '../sweep/store.js';
import { loadSweep } from '../sweep/write-report.js';
import { CheckInputError } from './errors.js';

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/** Summary rows of a result file or sweep directory; `role` names it in errors ("baseline", "result"). */
export function loadRows(path: string, role: string): SummaryRow[] {
  try {
    if (statSync(path).isDirectory()) return loadSweep(SweepStore.read(path)).summary.rows;
    const json: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return summarise(resultPoints(json, path), DEFAULT_NOISE_THRESHOLD);
  } catch (e) {
    const hint = role === 'baseline' ? 'regenerate it with `percpu-lab baseline`' : 'pass a result JSON or sweep directory';
    throw new CheckInputError(`bad ${role} ${path}: ${firstLine(e)}; ${hint}`);
  }
}
