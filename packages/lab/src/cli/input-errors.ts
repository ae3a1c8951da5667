// Which errors of `run` and `bench` are the user's input — bad flags, a bad
// scenario or trace file, a machine the scenario's sizes cannot boot —
// rather than a failed run or a bug. They are printed as one line each with
// exit status 2; anything else propagates.
import { ScenarioError } from '../scenario/errors.js';

export function inputErrorLines(e: unknown): string[] | null {
  if (e instanceof ScenarioError) return e.lines;
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) {
    return [`${(e as Error).message.split('\n')[0]} (see --help)`];
  }
  return null;
}
