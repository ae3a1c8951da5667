// Bad flags of `percpu-lab calibrate` and `percpu-lab validate` are one
// line naming the flag, exit 2, before any engine runs.
import { test } from 'node:test';
import { assertOneLineUsageErrors } from './fixtures/run-helpers.js';

const CASES: readonly (readonly [string[], RegExp])[] = [
  [['calibrate', '--ops', '0'], /--ops must be an integer from 1/],
  [['calibrate', '--cpus', '2'], /--cpus must include 1/],
  [['calibrate', '--work-ns', '-5'], /--work-ns takes a comma list/],
  [['calibrate', '--bogus'], /calibrate: Unknown option '--bogus'/],
  [['validate', '--tolerance', '2'], /--tolerance must be a fraction/],
  [['validate', '--cpus', '99'], /--cpus takes a comma list of CPU counts from 1 to/],
  [['validate', '--work-ns', 'derived,x'], /--work-ns takes a comma list/],
  [['validate', '--profile', '/no/such/profile.json'], /validate: --profile: no cost profile named/],
  [['validate', '--profile', 'kernel', '--strategy', 'nope'], /unknown strategy "nope"/],
  [['validate', '--repeats'], /validate: Option '--repeats <value>' argument missing/],
];

test('calibrate and validate refuse bad flags in one line with exit 2', async () => {
  await assertOneLineUsageErrors(CASES, /^percpu-lab (calibrate|validate): /);
});
