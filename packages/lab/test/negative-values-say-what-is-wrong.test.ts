// A negative number after a value flag (`--cpus -1`, not only `--cpus=-1`)
// is taken as the flag's value, so the CLI says what is wrong with the value
// — one line, exit 2 — instead of node's "argument is ambiguous".
import { test } from 'node:test';
import { assertOneLineUsageErrors } from './fixtures/run-helpers.js';

const CASES: [string[], RegExp][] = [
  [['run', '--cpus', '-1'], /--cpus\[0\]: expected a non-empty list of CPU counts, each an integer in 1\.\.1024, got -1$/],
  [['run', '--ops', '-5'], /--ops: expected a positive integer .*, got -5$/],
  [['run', '--work-ns', '-1'], /--work-ns: expected a non-negative integer number of nanoseconds, got -1$/],
  [['bench', '--cpus', '-1'], /--cpus\[0\]: expected .*, got -1$/],
  [['locks', '--cpus', '-1'], /--cpus must be an integer from 1 to 256, got '-1'$/],
  [['sweep', '--engine', 'virtual', '--cpus', '-1'], /field cpus \(--cpus\): expected .*, got -1$/],
  [['sweep', '--engine', 'virtual', '--cpus', '1', '--ops', '-5'], /field run\.ops \(--ops\): expected a positive integer .*, got -5$/],
  [['sweep', '--engine', 'virtual', '--cpus', '1', '--work-ns', '-1'], /field run\.workNs \(--work-ns\): expected .*, got -1$/],
];

test('negative values name the flag and what it expects', async () => {
  await assertOneLineUsageErrors(CASES, /^(?!.*ambiguous)percpu-lab/);
});
