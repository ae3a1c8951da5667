// Which errors of `run` and `bench` are the user's input — a bad scenario
// (flags or file), a bad trace file, a machine the scenario's sizes cannot
// boot — rather than a failed run or a bug. They are printed one line per
// problem with exit status 2; anything else propagates. (Bad flag syntax is
// a UsageError from parseCommandArgs, which the CLI prints the same way.)
import { ScenarioError } from '../scenario/errors.js';

export function inputErrorLines(e: unknown): string[] | null {
  return e instanceof ScenarioError ? e.lines : null;
}
