// A bad --work-footprint is refused before anything runs: one line naming
// the flag and what it expects, exit 2, no stack.
import { test } from 'node:test';
import { assertOneLineUsageErrors } from './fixtures/run-helpers.js';

const EXPECT = 'expected a size such as 512KiB or 2MiB, at most 1GiB, or 0';
const CASES: [string[], RegExp][] = [
  [['run', '--work-footprint', '-1'], new RegExp(`--work-footprint: ${EXPECT}, got "-1"$`)],
  [['run', '--work-footprint', '4096'], new RegExp(`--work-footprint: ${EXPECT}, got "4096"$`)],
  [['run', '--work-footprint', 'lots'], new RegExp(`--work-footprint: ${EXPECT}, got "lots"$`)],
  [['run', '--work-footprint', '2GiB'], new RegExp(`--work-footprint: ${EXPECT}, got "2GiB"$`)],
  [['run', '--workload', 'replay-sizes', '--work-footprint', '1MiB'], /--work-footprint: expected only with the doexec, spawn-remote, threads workloads, not replay-sizes$/],
  [['sweep', '--engine', 'virtual', '--cpus', '1', '--work-footprint', 'lots'], /field run\.workFootprint \(--work-footprint\): expected .*, got "lots"$/],
];

test('bad work footprints exit 2 with one line', async () => {
  await assertOneLineUsageErrors(CASES, /^percpu-lab/);
});
