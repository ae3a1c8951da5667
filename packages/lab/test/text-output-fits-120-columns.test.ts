// Every line of text the lab prints or writes for a person fits 120
// columns: a run on each engine (stdout, stderr with the work-ns
// derivation, report.txt), a sweep and a merge of its shards (which prints
// report.txt as the sweep does), check's markdown, locks, replay, and the
// --help of every command. Runs are small (a few dozen operations per CPU).
//
// `kernel` runs real processes on the host, so its text is checked on a
// fixed record (fixtures/kernel-report.ts).
//
// One layout is wider on purpose: the /proc/lock_stat table, whose 221
// columns are the kernel's (lockdep_proc.c) so that scripts written for the
// real file read ours; its rule, header and class rows are the only lines
// let through, and only inside a block that opens with `lock_stat version`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../src/cli/main.js';
import { kernelReportLines } from '../src/kernel/report.js';
import { lockStatLines } from '../src/report/lock-stat.js';
import { fixedKernelReport } from './fixtures/kernel-report.js';
import { percpuLabAsync, type CliRun } from './fixtures/run-helpers.js';
import { tempDir } from './fixtures/sweep-helpers.js';

const WIDTH = 120;
const PERCPU_FIXTURES = fileURLToPath(new URL('../../../percpu/test/fixtures/', import.meta.url));

/** A class row: name, con-bounces, the wait series (count and four times), acq-bounces, the hold series. */
const LOCK_STAT_ROW = /^\s*\S.{0,37}:\s+\d+\s+\d+(\s+\d+\.\d\d){4}\s+\d+\s+\d+(\s+\d+\.\d\d){4}$/;

/** Lines wider than WIDTH, leaving out the rows of a /proc/lock_stat table. */
function overlong(text: string): string[] {
  const out: string[] = [];
  let inLockStat = false;
  for (const line of text.split('\n')) {
    if (line.trim() === 'lock_stat version 0.4') inLockStat = true;
    else if (inLockStat && !(line.trim() === '' || /^\s*-+$/.test(line) || /^\s*class name\s+con-bounces/.test(line) || /^\s*#/.test(line) || LOCK_STAT_ROW.test(line))) {
      inLockStat = false;
    }
    const exempt = inLockStat && line.length > WIDTH && !/^\s*#/.test(line);
    if (line.length > WIDTH && !exempt) out.push(`${line.length} columns: ${line}`);
  }
  return out;
}

function assertFits(what: string, text: string): void {
  assert.ok(text.trim().length > 0, `${what} printed something`);
  assert.deepEqual(overlong(text), [], `${what} has lines over ${WIDTH} columns`);
}

function ok(what: string, r: CliRun): CliRun {
  assert.equal(r.status, 0, `${what}: exit ${r.status}\n${r.stderr}`);
  return r;
}

test('the lock_stat exemption covers the table and nothing else', () => {
  const table = lockStatLines([{
    name: 'pcpu_lock', acquisitions: 4, contentions: 2, conBounces: 1, acqBounces: 3,
    waitMinNs: 100, waitMaxNs: 100, waitTotalNs: 200, holdMinNs: 200, holdMaxNs: 200, holdTotalNs: 800,
  }], '    ');
  const row = table.at(-1)!;
  assert.ok(row.length > WIDTH && LOCK_STAT_ROW.test(row), row);
  assert.deepEqual(overlong(table.join('\n')), []);
  assert.equal(overlong(row).length, 1, 'outside a lock_stat block the row is too wide');
  assert.equal(overlong(['lock_stat version 0.4', `# ${'x'.repeat(130)}`].join('\n')).length, 1, "the '#' notes are ours and must fit");
});

test('--help of every command fits', async () => {
  const runs = await Promise.all([['--help'], ...COMMANDS.map((c) => [c.name, '--help'])].map((a) => percpuLabAsync(a)));
  runs.forEach((r, i) => assertFits(`--help of ${i === 0 ? 'percpu-lab' : COMMANDS[i - 1]!.name}`, ok('--help', r).stdout));
});

test('run on the virtual and the threads engine: stdout, stderr and report.txt fit', async () => {
  const dir = tempDir('width-run');
  const virtual = join(dir, 'virtual');
  const threads = join(dir, 'threads');
  const [v, t] = await Promise.all([
    percpuLabAsync(['run', '--engine', 'virtual', '--strategy', 'all', '--cpus', '1,4', '--ops', '50', '--out', virtual], 120_000),
    percpuLabAsync(['run', '--engine', 'threads', '--strategy', 'baseline,lazy-rss', '--cpus', '1,2', '--ops', '300', '--warmup', '100', '--out', threads], 180_000),
  ]);
  for (const [name, r, out] of [['virtual', v, virtual], ['threads', t, threads]] as const) {
    ok(`run ${name}`, r);
    assert.match(r.stderr, /work-ns \d+( \(derived|: the exec path is priced)/, `${name}: the derivation (or the priced cycle) is printed`);
    assertFits(`run ${name} stdout`, r.stdout);
    assertFits(`run ${name} stderr`, r.stderr);
    assertFits(`run ${name} report.txt`, readFileSync(join(out, 'report.txt'), 'utf8'));
  }
  assertFits('check markdown', ok('check', await percpuLabAsync(['check', join(virtual, 'result.json'), '--baseline', join(virtual, 'result.json')])).stdout);
});

test('sweep, merge of its shards (which prints report.txt too) and locks fit', async () => {
  const dir = tempDir('width-sweep');
  const flags = ['--engine', 'virtual', '--strategy', 'baseline,slab-dtor', '--cpus', '1,2', '--ops', '50', '--jobs', '1'];
  const [whole, s1, s2] = await Promise.all([
    percpuLabAsync(['sweep', ...flags, '--out', join(dir, 'whole')], 120_000),
    percpuLabAsync(['sweep', ...flags, '--shard', '1/2', '--no-report', '--out', join(dir, 's1')], 120_000),
    percpuLabAsync(['sweep', ...flags, '--shard', '2/2', '--no-report', '--out', join(dir, 's2')], 120_000),
  ]);
  for (const [name, r] of [['sweep', whole], ['shard 1', s1], ['shard 2', s2]] as const) {
    ok(name, r);
    assertFits(`${name} stderr`, r.stderr);
  }
  assertFits('sweep stdout', whole.stdout);
  const merged = join(dir, 'merged');
  const m = ok('merge', await percpuLabAsync(['merge', '--out', merged, join(dir, 's1'), join(dir, 's2')]));
  assertFits('merge stdout', m.stdout);
  const reportTxt = readFileSync(join(merged, 'report.txt'), 'utf8').trimEnd();
  assert.ok(m.stdout.includes(reportTxt), `merge prints report.txt:\n${m.stdout}`);
  const l = ok('locks', await percpuLabAsync(['locks', '--cpus', '2', '--ops', '2000']));
  assert.match(l.stdout, /lock_stat version 0\.4/);
  assertFits('locks', l.stdout);
});

test('replay of a captured trace fits', async () => {
  const r = ok('replay', await percpuLabAsync([
    'replay', join(PERCPU_FIXTURES, 'trace.txt.gz'), '--dmesg', join(PERCPU_FIXTURES, 'dmesg.txt'), '--prelude', join(PERCPU_FIXTURES, 'prelude.txt'),
  ], 120_000));
  assert.match(r.stdout, /sizes: /);
  assertFits('replay', r.stdout);
});

test('kernel tables of a fixed record fit', () => {
  assertFits('kernel', kernelReportLines(fixedKernelReport()).join('\n'));
});
