// A flag without its value, or a stray argument, is bad usage — one line
// naming the command, exit 2 — not an internal error. (A flag a command does
// not know is tried on every command in
// every-command-reports-bad-usage-in-one-form.test.ts.)
import { test } from 'node:test';
import { assertOneLineUsageErrors } from './fixtures/run-helpers.js';

const CASES: [string[], RegExp][] = [
  [['merge', '--bogus', 'dir'], /merge: Unknown option '--bogus' \(see percpu-lab merge --help\)$/],
  [['check', 'result.json', '--baseline'], /check: Option '--baseline <value>' argument missing \(see percpu-lab check --help\)$/],
  [['baseline', 'stray'], /baseline: Unexpected argument 'stray'.* \(see percpu-lab baseline --help\)$/],
];

test('missing values, stray arguments and flags before a positional exit 2 with one line', async () => {
  await assertOneLineUsageErrors(CASES, /^percpu-lab \w+: /);
});
