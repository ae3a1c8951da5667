// Which errors of the sweep, merge, check and baseline commands are the
// user's input (exit 2, message only) rather than a failed run or a bug:
// everything `run` counts as input errors, plus the sweep's and check's own.
import { CheckInputError } from '../check/errors.js';
import { inputErrorLines } from '../cli/input-errors.js';
import { SweepError } from './errors.js';
import { ResultFormatError } from './result-adapter.js';

/** The error's lines when it is bad input, otherwise null. */
export function badInputLines(e: unknown): string[] | null {
  if (e instanceof SweepError || e instanceof CheckInputError || e instanceof ResultFormatError) return [e.message];
  return inputErrorLines(e);
}

/** Run a command body; bad input prints its lines and returns 2. */
export async function withBadInput(command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    const lines = badInputLines(e);
    if (!lines) throw e;
    for (const l of lines) process.stderr.write(`percpu-lab ${command}: ${l}\n`);
    return 2;
  }
}
