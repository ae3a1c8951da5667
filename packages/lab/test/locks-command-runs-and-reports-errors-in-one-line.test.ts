// `percpu-lab locks` through the real CLI in a child process: a demo run
// exits 0 with an exact count and lock statistics; bad usage exits 2 with
// one line on stderr and no stack; --help works globally and per command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../../../bin/percpu-lab.js', import.meta.url));

interface Ran { code: number; stdout: string; stderr: string }

function cli(args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

test('locks --json: exact counter, acquisitions = CPUs x ops, exit 0', async () => {
  const r = await cli(['locks', '--cpus', '2', '--ops', '3000', '--kind', 'spin', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { counter: number; expected: number; lock: string; lockStat: { name: string; acquisitions: number }[] };
  assert.equal(out.counter, 6000);
  assert.equal(out.expected, 6000);
  assert.deepEqual(out.lockStat.map((s) => [s.name, s.acquisitions]), [['demo_spinlock', 6000]]);
});

test('locks prints a /proc/lock_stat table', async () => {
  const r = await cli(['locks', '--cpus', '1', '--ops', '500']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^locks: 1 CPU x 500 lock\/unlock of demo_mutex \(mutex\)/);
  assert.match(r.stdout, /\nlock_stat version 0\.4\n/);
  assert.match(r.stdout, / {30}demo_mutex: +0 +0 +0\.00 +0\.00 +0\.00 +0\.00 +0 +500 /);
});

for (const [args, msg] of [
  [['locks', '--kind', 'rw'], /^percpu-lab locks: --kind must be one of mutex, spin, got 'rw'\n$/],
  [['locks', '--cpus', '0'], /^percpu-lab locks: --cpus must be an integer from 1 to 256, got '0'\n$/],
] as [string[], RegExp][]) {
  test(`percpu-lab ${args.join(' ') || '(nothing)'}: exit 2, one line, no stack`, async () => {
    const r = await cli(args);
    assert.equal(r.code, 2);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(r.stdout, '');
  });
}

test('--help lists the commands; locks --help shows its flags', async () => {
  const g = await cli(['--help']);
  assert.equal(g.code, 0);
  assert.match(g.stdout, /^usage: percpu-lab/);
  assert.match(g.stdout, /\n {2}locks +lock contention demo/);
  const l = await cli(['locks', '--help']);
  assert.equal(l.code, 0);
  assert.match(l.stdout, /--kind KIND/);
});
