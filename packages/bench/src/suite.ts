// The shape every benchmark suite has, so the runner can print and record
// them all the same way.

/** A figure the issue sets a limit for, and whether this run met it. */
export interface Target {
  /** What is compared, e.g. "uncontended Mutex, stats off / raw CAS+store". */
  name: string;
  measured: number;
  limit: number;
  /** 'max': measured must be <= limit; 'min': measured must be >= limit. */
  kind: 'max' | 'min';
  unit: string;
  met: boolean;
}

export function target(name: string, measured: number, kind: 'max' | 'min', limit: number, unit: string): Target {
  return { name, measured, limit, kind, unit, met: kind === 'max' ? measured <= limit : measured >= limit };
}

export interface SuiteResult {
  /** Rows of the human-readable table, printed in order. */
  table: Record<string, string | number>[];
  /** Every measured figure by a stable key, for scripts that diff runs. */
  figures: Record<string, number>;
  targets: Target[];
  /** Lines printed under the table (host conditions, caveats). */
  notes: string[];
}

export interface BenchSuite {
  /** Stable name; `pnpm bench <substring>` runs only matching suites. */
  name: string;
  description: string;
  run(): Promise<SuiteResult>;
}
