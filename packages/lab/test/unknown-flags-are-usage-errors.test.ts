// Every command answers a flag it does not know, or a missing value, as bad
// usage — one line naming the command, exit 2 — not as an internal error.
import { test } from 'node:test';
import { assertOneLineUsageErrors } from './fixtures/run-helpers.js';

const CASES: [string[], RegExp][] = [
  [['run', '--bogus'], /run: Unknown option '--bogus' \(see percpu-lab run --help\)$/],
  [['sweep', '--bogus'], /sweep: Unknown option '--bogus' \(see percpu-lab sweep --help\)$/],
  [['merge', '--bogus', 'dir'], /merge: Unknown option '--bogus' \(see percpu-lab merge --help\)$/],
  [['check', '--bogus', 'result.json'], /check: Unknown option '--bogus' \(see percpu-lab check --help\)$/],
  [['check', 'result.json', '--baseline'], /check: Option '--baseline <value>' argument missing \(see percpu-lab check --help\)$/],
  [['baseline', '--bogus'], /baseline: Unknown option '--bogus' \(see percpu-lab baseline --help\)$/],
  [['baseline', 'stray'], /baseline: Unexpected argument 'stray'.* \(see percpu-lab baseline --help\)$/],
];

test('unknown flags, missing values and stray arguments exit 2 with one line', async () => {
  await assertOneLineUsageErrors(CASES, /^percpu-lab \w+: /);
});
