// Which errors of the sweep, merge, check and baseline commands are the
// user's input (exit 2, message only) rather than a failed run or a bug.
import { CheckInputError } from '../check/errors.js';
import { ScenarioError } from '../scenario/errors.js';
import { SweepError } from './errors.js';
import { ResultFormatError } from './result-adapter.js';

/** The error's lines when it is bad input, otherwise null. */
export function badInputLines(e: unknown): string[] | null {
  if (e instanceof ScenarioError) return e.lines;
  if (e instanceof SweepError || e instanceof CheckInputError || e instanceof ResultFormatError) return [e.message];
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) return [(e as Error).message];
  return null;
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
