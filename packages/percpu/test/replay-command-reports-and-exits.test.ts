// `percpu-lab replay` as a command: JSON report with the fields scripts
// rely on, exit 0 when every placement matched and 1 when not, and exit 2
// with one line on stderr (never a stack trace) for bad input, including
// --strict on a trace with a bad line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { replayCommand } from '../src/replay/cli.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (s: string) => out.push(s);
  console.error = (s: string) => err.push(s);
  try {
    return { code: await replayCommand(argv), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('--json prints one object with the replay figures; exit 0 on a full match', async () => {
  const r = await run([fixture('trace.txt.gz'), '--dmesg', fixture('dmesg.txt'), '--prelude', fixture('prelude.txt'), '--json', '--resync']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.allocations, 2297);
  assert.equal(j.frees, 1923);
  assert.equal(j.matched, 2297);
  assert.equal(j.matchRate, 1);
  assert.equal(j.matchRateAsLogged, 1);
  assert.equal(j.order.kept, 'reconstructed');
  assert.equal(j.firstDivergence, null);
  assert.deepEqual(j.chunksCreated, { trace: 1, model: 1 });
  assert.deepEqual(j.chunksDestroyed, { trace: 0, model: 0 });
  assert.equal(j.decisionMatchRate, 1);
  assert.equal(j.stats.nrChunks, 2);
});

test('divergences give exit 1 and a readable first divergence', async () => {
  const r = await run([fixture('trace.txt.gz'), '--geometry', 'percpu: Embedded 66 pages/cpu s233472 r8192 d28672 u1048576', '--cpus', '2']);
  assert.equal(r.code, 1);
  assert.match(r.out, /first divergence at line 13/);
  assert.match(r.out, /exact-offset match as logged \(--no-reorder\): \d+\/2297/);
  assert.match(r.out, /exact-offset match after reconstruction: \d+\/2297/);
});

test('bad input: one line on stderr and exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcpu-replay-'));
  const bad = join(dir, 'bad.txt');
  const lines = gunzipSync(readFileSync(fixture('trace.txt.gz'))).toString().split('\n');
  lines.splice(20, 0, 'this line is broken');
  writeFileSync(bad, lines.join('\n'));
  const cases: [string[], RegExp][] = [
    [[bad, '--dmesg', fixture('dmesg.txt'), '--strict'], /line 21: not an ftrace event line/],
    [[], /no trace file given/],
    [[bad], /no geometry/],
    [[join(dir, 'missing.gz'), '--dmesg', fixture('dmesg.txt')], /cannot read trace .*missing\.gz: ENOENT/],
    [[bad, '--geometry', 'percpu: something else'], /not a percpu boot line/],
    [[bad, '--unit-size', '1048576', '--static', '1000'], /go together/],
    [[bad, '--dmesg', fixture('dmesg.txt'), '--cpus', '1'], /CPU 1 but the geometry has 1 possible CPUs/],
    [[bad, '--dmesg', fixture('dmesg.txt'), '--prelude', fixture('dmesg.txt')], /dmesg\.txt line 1: expected "size=N align=N reserved=0\|1"/],
    [[bad, '--frobnicate'], /Unknown option '--frobnicate'/],
    [[bad, '--dmesg', fixture('dmesg.txt'), '--window', '5ms'], /--window must be a number of milliseconds/],
  ];
  for (const [argv, want] of cases) {
    const r = await run(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.err.split('\n').length, 1);
    assert.match(r.err, /^percpu-lab replay: /);
    assert.match(r.err, want);
  }
  const lenient = await run([bad, '--dmesg', fixture('dmesg.txt'), '--prelude', fixture('prelude.txt'), '--json']);
  assert.equal(lenient.code, 0, 'without --strict the bad line is counted and skipped');
  const j = JSON.parse(lenient.out);
  assert.deepEqual(j.badLines.map((b: { line: number }) => b.line), [21]);
  assert.equal(j.matchRate, 1);
  assert.equal((await run(['--help'])).code, 0);
});
