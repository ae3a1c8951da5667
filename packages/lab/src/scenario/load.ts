// Reading a scenario: a JSON or YAML file (YAML is a superset of JSON, so
// one parser reads both), merged with flags — a flag overrides the file's
// field of the same name — then validated. Strategy entries that are paths
// are loaded first (strategies/file.ts), so validation sees their names; a
// relative path in the file is taken from the file's directory.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { listStrategies } from '@percpu-lab/mm';
import { resolveStrategyRefs } from '../strategies/file.js';
import { ScenarioFileError } from './errors.js';
import { scenarioFromFlags } from './flags.js';
import type { Scenario } from './schema.js';
import { parseScenario } from './validate.js';

/** Raw fields of a scenario file; the file must hold one mapping. */
export function readScenarioFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ScenarioFileError(`cannot read scenario file ${path} (${code}); give the path of a JSON or YAML file`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` at line ${e.linePos[0].line}` : '';
    const what = (e as Error).message.split('\n')[0];
    throw new ScenarioFileError(`${path}: not valid JSON or YAML${where}: ${what}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ScenarioFileError(`${path}: expected a mapping of scenario fields (workload, cpus, strategies, ...) at the top level`);
  }
  return doc as Record<string, unknown>;
}

/** The scenario of a run: the file (if any) with flags on top, validated. */
export async function loadScenario(values: Record<string, string | boolean | undefined>): Promise<Scenario> {
  const file = typeof values.scenario === 'string' ? values.scenario : null;
  const fromFile = file === null ? {} : readScenarioFile(file);
  const flags = scenarioFromFlags(values);
  const raw = { ...fromFile, ...flags.raw };
  if ('strategies' in raw) {
    const listedInFile = file !== null && !('strategies' in flags.raw);
    raw.strategies = await resolveStrategyRefs(raw.strategies, listedInFile ? dirname(resolve(file)) : process.cwd());
  }
  return parseScenario(raw, {
    file,
    fromFlags: flags.fromFlags,
    strategies: listStrategies().map((s) => s.name),
  });
}
