// Flag parsing with the CLI's error conventions: a node:util parseArgs
// error becomes a UsageError naming the command, and numeric and choice
// flags are checked with a message that says what is allowed.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Strict<O extends Options> = { args: string[]; options: O; strict: true; allowPositionals: false };

/**
 * parseArgs(argv) for `command` with `options`, no positionals; its errors
 * (unknown flag, missing value) become a UsageError pointing at the help.
 */
export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O): ReturnType<typeof parseArgs<Strict<O>>> {
  try {
    return parseArgs<Strict<O>>({ args: argv, options, strict: true, allowPositionals: false });
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new UsageError(`${command}: ${msg} (see percpu-lab ${command} --help)`);
  }
}

/** An integer flag within [min, max], or `fallback` when absent. */
export function intFlag(command: string, flag: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${command}: --${flag} must be an integer from ${min} to ${max}, got '${value}'`);
  }
  return n;
}

/** One of a fixed set of words, or `fallback` when absent. */
export function choiceFlag<T extends string>(command: string, flag: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`${command}: --${flag} must be one of ${choices.join(', ')}, got '${value}'`);
  }
  return value as T;
}
