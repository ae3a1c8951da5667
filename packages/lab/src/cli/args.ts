// Flag parsing with the CLI's error conventions: a node:util parseArgs
// error becomes a UsageError pointing at the command's help, and numeric and choice
// flags are checked with a message that says what is allowed.
//
// parseArgs refuses `--cpus -1` as ambiguous: the value looks like a flag.
// A negative number is never a flag here, so a value flag followed by one
// takes it as its value (as if written `--cpus=-1`), and the flag's own
// check then says what is wrong with it.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Strict<O extends Options, P extends boolean> = { args: string[]; options: O; strict: true; allowPositionals: P };

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

function withNegativeValues(argv: readonly string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg.startsWith('--') && options[arg.slice(2)]?.type === 'string' && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/**
 * parseArgs(argv) for `command` with `options`, positional arguments only
 * when `allowPositionals`; its errors (unknown flag, missing value, a stray
 * argument) become a UsageError pointing at the help.
 */
export function parseCommandArgs<O extends Options, P extends boolean = false>(
  command: string,
  argv: string[],
  options: O,
  allowPositionals: P = false as P,
): ReturnType<typeof parseArgs<Strict<O, P>>> {
  try {
    return parseArgs<Strict<O, P>>({ args: withNegativeValues(argv, options), options, strict: true, allowPositionals });
  } catch (e) {
    // Drop node's hint about positionals starting with '-': none of ours do.
    const msg = (e instanceof Error ? e.message.split('\n')[0]! : String(e)).replace(/\. To specify a positional argument.*$/, '');
    throw new UsageError(`${msg} (see percpu-lab ${command} --help)`);
  }
}

/** An integer flag within [min, max], or `fallback` when absent. */
export function intFlag(flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

/** One of a fixed set of words, or `fallback` when absent. */
export function choiceFlag<T extends string>(flag: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, got '${value}'`);
  }
  return value as T;
}
