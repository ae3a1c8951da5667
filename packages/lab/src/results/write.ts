// Writing a result to its output directory: result.json (the schema), the
// three CSV views, and the full text report a terminal run printed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { locksCsv, pointsCsv, summaryCsv } from './csv.js';
import { resultSummary } from './summary.js';
import type { RunResult } from './schema.js';

export const RESULT_FILE = 'result.json';

/** Default output directory: results/run-<UTC time> under the working directory. */
export function defaultOutDir(prefix = 'run', now = new Date()): string {
  return join('results', `${prefix}-${now.toISOString().replace(/[:.]/g, '-')}`);
}

/** Write result.json, points.csv, locks.csv, summary.csv and report.txt; returns the files written. */
export function writeResult(dir: string, r: RunResult, report: string[]): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    [RESULT_FILE, JSON.stringify(r, null, 2) + '\n'],
    ['points.csv', pointsCsv(r)],
    ['locks.csv', locksCsv(r)],
    ['summary.csv', summaryCsv(r.summary ?? resultSummary(r.points))],
    ['report.txt', report.join('\n') + '\n'],
  ];
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return files.map(([name]) => join(dir, name));
}
