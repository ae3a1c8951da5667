// The scenario flags of `percpu-lab run` (and anything that takes a
// scenario the same way, such as sweeps): their node:util parseArgs
// declaration, and the mapping from flag strings to raw scenario fields.
// Values stay raw here — "x" for --cpus stays "x" — so the schema reports
// the bad value with the rest.
import { wrap } from '../report/wrap.js';
import { FIELDS, type FieldName } from './schema.js';

/** parseArgs options for every flag-settable scenario field. */
export const SCENARIO_FLAG_OPTIONS = Object.fromEntries(
  (Object.entries(FIELDS) as [FieldName, (typeof FIELDS)[FieldName]][])
    .filter(([, f]) => f.flag.startsWith('--'))
    .map(([, f]) => [f.flag.slice(2), { type: 'string' as const }]),
) as Record<string, { type: 'string' }>;

const LIST_FIELDS = new Set<FieldName>(['strategies', 'cpus']);
const NUMBER_FIELDS = new Set<FieldName>([
  'cpus', 'ops', 'duration', 'warmup', 'seed', 'repeats', 'workNs', 'threadProb', 'watchdog', 'machineCpus', 'sockets', 'threadsPerCore',
]);

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

function convert(f: FieldName, s: string): unknown {
  const one = (x: string) => (NUMBER_FIELDS.has(f) && NUMERIC.test(x.trim()) ? Number(x) : x.trim());
  return LIST_FIELDS.has(f) ? s.split(',').map(one) : one(s);
}

export interface FlagScenario {
  raw: Record<string, unknown>;
  /** Fields set by a flag, so messages name the flag. */
  fromFlags: Set<string>;
}

/** Raw scenario fields from parsed flag values (flags that are not scenario fields are ignored). */
export function scenarioFromFlags(values: Record<string, string | boolean | undefined>): FlagScenario {
  const raw: Record<string, unknown> = {};
  const fromFlags = new Set<string>();
  for (const [name, f] of Object.entries(FIELDS) as [FieldName, (typeof FIELDS)[FieldName]][]) {
    const v = values[f.flag.slice(2)];
    if (typeof v !== 'string') continue;
    raw[name] = convert(name, v);
    fromFlags.add(name);
  }
  return { raw, fromFlags };
}

/** The help of every scenario flag, each wrapped under its own column. */
export function scenarioFlagHelp(): string[] {
  return (Object.values(FIELDS) as { flag: string; help: string }[])
    .filter((f) => f.flag.startsWith('--'))
    .flatMap((f) => wrap(f.help, `  ${`${f.flag} V`.padEnd(20)} `, ' '.repeat(23)));
}
