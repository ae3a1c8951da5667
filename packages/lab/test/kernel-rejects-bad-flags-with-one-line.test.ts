// `percpu-lab kernel` refuses bad flags before it builds or runs anything:
// one line in the CLI's form, exit 2. More processes than online CPUs is
// bad input (one process per CPU is what the benchmark measures).
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { percpuLabAsync } from './fixtures/run-helpers.js';

test('bad --procs, --seconds, contradicting pin flags, unknown flags', async () => {
  const cases: [string[], RegExp][] = [
    [['--procs', '0'], /--procs takes a comma list of process counts from 1 to \d+ \(the online CPUs\), got '0'/],
    [['--procs', String(4096)], /--procs takes a comma list/],
    [['--procs', '1,,2'], /--procs takes a comma list/],
    [['--seconds', '0'], /--seconds must be a number in \(0, 600\], got '0'/],
    [['--seconds', 'x'], /--seconds must be a number/],
    [['--pin', '--no-pin'], /--pin and --no-pin contradict each other/],
    [['--bogus'], /Unknown option '--bogus' \(see percpu-lab kernel --help\)/],
  ];
  const runs = await Promise.all(cases.map(([args]) => percpuLabAsync(['kernel', ...args])));
  runs.forEach((r, i) => {
    assert.equal(r.status, 2, `${cases[i]![0].join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0]!.startsWith('percpu-lab kernel: '), lines[0]);
    assert.match(lines[0]!, cases[i]![1]);
  });
  assert.ok(availableParallelism() < 4096);
});
