// Bad input to `percpu-lab run` and `bench` — flags, scenario files, trace
// files — run through the real CLI in a child process: exit status 2, one
// line on stderr naming what was wrong, nothing on stdout, no stack trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertOneLineUsageErrors } from './fixtures/run-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'percpu-lab-bad-input-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));

/** [args, what stderr must say]. Each would fail before any CPU runs. */
const CASES: [string[], RegExp][] = [
  // flags
  [['run', '--cpus', '0'], /--cpus\[0\]: expected a non-empty list of CPU counts, each an integer in 1\.\.1024, got 0/],
  [['run', '--cpus', '1,x'], /--cpus\[1\]: expected .* got "x"/],
  [['run', '--strategy', 'nosuch'], /--strategy: unknown strategy "nosuch"; expected one or more of baseline, /],
  [['run', '--workload', 'forkbomb'], /--workload: expected one of doexec, spawn-remote, threads, replay-sizes, got "forkbomb"/],
  [['run', '--engine', 'warp'], /--engine: expected one of threads, virtual, got "warp"/],
  [['run', '--ops=-5'], /--ops: expected a positive integer .*got -5/],
  [['run', '--ops', '1.5'], /--ops: expected a positive integer .*got 1\.5/],
  [['run', '--duration', '0'], /--duration: expected a number of seconds in \(0, 3600\], got 0/],
  [['run', '--seed', 'abc'], /--seed: expected an integer in 0\.\.2147483647, got "abc"/],
  [['run', '--memory', '12XB'], /--memory: expected a size such as 256MiB or 1GiB, got "12XB"/],
  [['run', '--memory', '1MiB', '--work-ns', '0'], /cannot boot 1 CPUs in 1 MiB of kernel memory.*raise --memory/],
  [['run', '--work-ns=-1'], /--work-ns: expected a non-negative integer number of nanoseconds, got -1/],
  [['run', '--workload', 'threads', '--thread-prob', '2'], /--thread-prob: expected a probability in \[0, 1\], got 2/],
  [['run', '--thread-prob', '0.5'], /--thread-prob: expected only with the threads workload, not doexec/],
  [['run', '--geometry', 'percpu: garbage'], /--geometry: expected a percpu boot line/],
  [['run', '--cpus', '100'], /--cpus: expected at most 64 CPUs on the threads engine; use --engine virtual for more/],
  [['run', '--profile', 'kernel'], /--profile: expected only with --engine virtual/],
  [['run', '--bogus'], /Unknown option '--bogus'/],
  [['run', 'stray'], /Unexpected argument 'stray'/],
  [['bench', '--cpus', '1,x'], /--cpus\[1\]: expected .* got "x"/],
  [['bench', '--cpus', '1,100'], /--cpus: expected at most 64 CPUs on the threads engine/],
  [['bench', '--bogus'], /Unknown option '--bogus'/],
  // scenario files
  [['run', '--scenario', join(dir, 'missing.yaml')], /cannot read scenario file .*missing\.yaml \(ENOENT\)/],
  [['run', '--scenario', file('broken.yaml', 'cpus: [1, 2\nworkload: doexec\n')], /broken\.yaml: not valid JSON or YAML/],
  [['run', '--scenario', file('list.yaml', '- 1\n- 2\n')], /list\.yaml: expected a mapping of scenario fields/],
  [['run', '--scenario', file('typo.json', '{"workload": "doexec", "cpu": [2]}')], /typo\.json: unknown field 'cpu'; known fields: /],
  [['run', '--scenario', file('neg.yaml', 'cpus: [1, -2]\n')], /neg\.yaml: field cpus\[1\]: expected .*, got -2/],
  [['run', '--scenario', file('str.yaml', 'strategies: baseline\n')], /str\.yaml: field strategies: expected a non-empty list of strategy names or files, got "baseline"/],
  [['run', '--scenario', file('geo.yaml', 'geometry: {unitSize: 1048576, staticSize: 0, reservedSize: 0}\n')], /geo\.yaml: field geometry: expected a percpu boot line/],
  // trace files (replay-sizes)
  [['run', '--workload', 'replay-sizes', '--trace', join(dir, 'nope.txt')], /--trace: expected the path of a percpu ftrace capture .*nope\.txt does not exist/],
  [['run', '--workload', 'replay-sizes', '--trace', fixture('run-bad-trace.txt')], /run-bad-trace\.txt line 2: .*size/],
  [['run', '--workload', 'replay-sizes', '--trace', fixture('run-empty-trace.txt')], /run-empty-trace\.txt holds no percpu_alloc_percpu events/],
];

test(`${CASES.length} bad inputs each exit 2 with one line and no stack trace`, async () => {
  assert.ok(CASES.length >= 20);
  await assertOneLineUsageErrors(CASES, /^percpu-lab/);
});
