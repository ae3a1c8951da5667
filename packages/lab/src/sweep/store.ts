// A sweep's output directory: `sweep.json` (the spec), one result file per
// finished point under `points/`, and what the report step adds (summary,
// charts, report.html). A point file is the engine's own result JSON for that
// point, written whole or not at all (temporary file + rename), so an
// interrupted sweep leaves no half point behind and a rerun simply skips
// every point whose file exists.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SweepMismatchError, SweepStoreError } from './errors.js';
import { parseSweepSpec, specFingerprint, type SweepSpec } from './spec.js';

const SPEC_FILE = 'sweep.json';
const POINTS_DIR = 'points';

export class SweepStore {
  private constructor(
    readonly dir: string,
    readonly spec: SweepSpec,
  ) {}

  /** Open `dir` for `spec`: create it, or resume it if it holds the same sweep. */
  static open(dir: string, spec: SweepSpec): SweepStore {
    if (existsSync(join(dir, SPEC_FILE))) {
      const held = SweepStore.read(dir).spec;
      if (specFingerprint(held) !== specFingerprint(spec)) {
        throw new SweepMismatchError(
          `${dir} holds a different sweep (${held.name}); choose another --out directory or delete this one`,
        );
      }
    } else {
      mkdirSync(join(dir, POINTS_DIR), { recursive: true });
      writeAtomically(join(dir, SPEC_FILE), `${JSON.stringify(spec, null, 2)}\n`);
    }
    return new SweepStore(dir, spec);
  }

  /** Open an existing sweep directory (merge, report). */
  static read(dir: string): SweepStore {
    const file = join(dir, SPEC_FILE);
    if (!existsSync(file)) throw new SweepStoreError(`${dir} is not a sweep output directory (no ${SPEC_FILE})`);
    return new SweepStore(dir, parseSweepSpec(readJson(file), file));
  }

  has(key: string): boolean {
    return existsSync(this.pointFile(key));
  }

  write(key: string, result: unknown): void {
    mkdirSync(join(this.dir, POINTS_DIR), { recursive: true });
    writeAtomically(this.pointFile(key), `${JSON.stringify(result, null, 2)}\n`);
  }

  read(key: string): unknown {
    return readJson(this.pointFile(key));
  }

  /** Keys of every finished point, sorted. */
  keys(): string[] {
    const dir = join(this.dir, POINTS_DIR);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  }

  pointFile(key: string): string {
    return join(this.dir, POINTS_DIR, `${key}.json`);
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SweepStoreError(`cannot read ${file}: ${(e as Error).message}; delete it and rerun the sweep`);
  }
}

export function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
