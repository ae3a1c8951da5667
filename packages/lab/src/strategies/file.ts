// Strategies loaded by path: `--strategy baseline,./my-remedy.js`. A list
// entry that looks like a path (it has a '/' or a .js/.mjs/.ts ending) names
// a JavaScript module whose default export is a strategy made with
// defineMmStrategy from @percpu-lab/mm (packages/mm/README.md). Loading it
// registers the strategy under its own name, so validation, both engines,
// sweeps and reports then treat it like a built-in.
//
// Every loaded file is remembered with its path and the sha256 of its bytes:
// results record both (so a baseline compares like with like), and the
// threads engine's workers load the same file and refuse it if the hash has
// changed since the main thread loaded it.
//
// TypeScript files are refused with the command that compiles them: Node 20
// runs only JavaScript, and a TypeScript loader in each worker would add
// 150–290 ms to every worker start (see NODE.md), which a threads run pays
// per point.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { listStrategies, registerStrategy, type MmStrategy } from '@percpu-lab/mm';
import { ScenarioError } from '../scenario/errors.js';

/** Where a strategy came from: its file (relative to the working directory when inside it) and content hash. */
export interface StrategySource {
  path: string;
  sha256: string;
}

/** A strategy file that cannot be used; the one line names the file and what is wrong. */
export class StrategyFileError extends ScenarioError {
  override name = 'StrategyFileError';
  constructor(file: string, what: string) {
    super([`strategy file ${file}: ${what}`]);
  }
}

const byPath = new Map<string, { name: string; source: StrategySource }>();
const byName = new Map<string, StrategySource>();

const TYPESCRIPT = /\.[cm]?ts$/;

export function isStrategyPath(ref: string): boolean {
  return /[\\/]/.test(ref) || /\.[cm]?[jt]s$/.test(ref);
}

/** The source of a strategy loaded from a file; null for a built-in. */
export function strategySource(name: string): StrategySource | null {
  return byName.get(name) ?? null;
}

function shownPath(abs: string): string {
  const rel = relative(process.cwd(), abs);
  const p = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
  return p.split(sep).join('/');
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return msg.split('\n')[0]!;
}

function isStrategy(x: unknown): x is MmStrategy {
  const s = x as Partial<MmStrategy> | null;
  return s !== null && typeof s === 'object' && typeof s.name === 'string' && typeof s.description === 'string' &&
    typeof s.proposal === 'string' && typeof s.boot === 'function' && typeof s.attach === 'function';
}

async function importStrategy(abs: string, shown: string): Promise<MmStrategy> {
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(abs).href)) as { default?: unknown };
  } catch (e) {
    if (e instanceof Error && e.name === 'BadStrategyRecipe') throw new StrategyFileError(shown, e.message);
    const missing = /Cannot find (?:package|module) '(@percpu-lab\/[^']+)'/.exec(e instanceof Error ? e.message : '');
    if (missing) {
      throw new StrategyFileError(shown, `cannot import ${missing[1]}; keep strategy files inside the percpu-lab checkout (after pnpm install and pnpm build) so its packages resolve`);
    }
    throw new StrategyFileError(shown, `failed to load: ${firstLine(e)}`);
  }
  if (!('default' in mod) || mod.default === undefined) {
    throw new StrategyFileError(shown, 'no default export; end the file with `export default defineMmStrategy({ ... })` (see packages/mm/README.md)');
  }
  if (!isStrategy(mod.default)) {
    throw new StrategyFileError(shown, 'the default export is not a strategy; export `defineMmStrategy({ ... })`, not the bare recipe');
  }
  return mod.default;
}

/**
 * Load and register the strategy in file `ref` (once per process; loading
 * the same unchanged file again returns its name). `expectSha256` is the
 * hash the main thread saw, when a worker loads the file.
 */
export async function loadStrategyFile(ref: string, expectSha256?: string): Promise<string> {
  const abs = resolve(ref);
  const shown = shownPath(abs);
  if (TYPESCRIPT.test(abs)) {
    throw new StrategyFileError(shown, 'is TypeScript, and Node 20 loads only JavaScript; compile it with ' +
      `\`pnpm exec tsc --module nodenext --target es2022 --skipLibCheck ${ref}\` and pass the .js`);
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new StrategyFileError(shown, code === 'ENOENT' ? 'not found' : `cannot be read (${code ?? firstLine(e)})`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (expectSha256 !== undefined && sha256 !== expectSha256) {
    throw new StrategyFileError(shown, `changed while the run was starting (sha256 ${sha256.slice(0, 12)}, expected ${expectSha256.slice(0, 12)}); run again`);
  }
  const seen = byPath.get(abs);
  if (seen !== undefined) {
    if (seen.source.sha256 !== sha256) throw new StrategyFileError(shown, 'changed since this process loaded it; run again');
    return seen.name;
  }
  const s = await importStrategy(abs, shown);
  const clash = byName.get(s.name);
  if (clash !== undefined) throw new StrategyFileError(shown, `strategy name "${s.name}" is already taken by ${clash.path}; rename one of them`);
  if (listStrategies().some((x) => x.name === s.name)) {
    throw new StrategyFileError(shown, `strategy name "${s.name}" clashes with the built-in strategy of that name; rename it`);
  }
  registerStrategy(s);
  const source = { path: shown, sha256 };
  byPath.set(abs, { name: s.name, source });
  byName.set(s.name, source);
  return s.name;
}

/**
 * A strategy list with every path loaded and replaced by its strategy's
 * name; anything else is left for validation. Relative paths are taken from
 * `baseDir`: the directory of the scenario or sweep file that lists them,
 * the working directory for flags.
 */
export async function resolveStrategyRefs(list: unknown, baseDir = process.cwd()): Promise<unknown> {
  if (!Array.isArray(list)) return list;
  const out: unknown[] = [];
  for (const ref of list) out.push(typeof ref === 'string' && isStrategyPath(ref) ? await loadStrategyFile(resolve(baseDir, ref)) : ref);
  return out;
}
