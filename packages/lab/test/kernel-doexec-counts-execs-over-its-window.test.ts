// The shipped doexec.c compiles with cc -static -O2 (into the cache, once)
// and counts correctly: a process reports execs > 0 over a window at least
// as long as asked and no longer than the run took, pinned processes end on
// the CPUs they were given, and — where perf can count the execve system
// call — the reported execs are exactly the execve calls the kernel saw.
// Nothing here depends on how fast the host execs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { doexecArgs, doexecBinary, runDoexec } from '../src/kernel/doexec.js';
import { findCompiler, realProbe } from '../src/kernel/prerequisites.js';

const env = { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'percpu-lab-doexec-')) };
after(() => rmSync(env.XDG_CACHE_HOME, { recursive: true, force: true }));
let noCompiler: string | false = false;
try {
  findCompiler(realProbe);
} catch (e) {
  noCompiler = `no C compiler with a static libc here: ${(e as Error).message}`;
}

test('compiled once into the cache, keyed by the source hash', { skip: noCompiler }, () => {
  const first = doexecBinary(realProbe, env);
  assert.ok(first.compiled !== null && first.path.startsWith(join(env.XDG_CACHE_HOME, 'percpu-lab', `doexec-${first.sourceSha256.slice(0, 16)}`)));
  const again = doexecBinary(realProbe, env);
  assert.equal(again.path, first.path);
  assert.equal(again.compiled, null, 'the second call uses the cached binary');
});

test('one process for 0.5 s: execs over a window of at least 0.5 s and at most the run', { skip: noCompiler }, () => {
  const bin = doexecBinary(realProbe, env).path;
  const t0 = process.hrtime.bigint();
  const { run } = runDoexec(doexecArgs(bin, 1, 0.5, true, [0]), 1, 0.5);
  const wallNs = Number(process.hrtime.bigint() - t0);
  const [p] = run.procs;
  assert.ok(p!.execs > 0);
  assert.equal(p!.cpu, 0, 'pinned to CPU 0');
  assert.ok(p!.windowNs >= 0.5e9 && p!.windowNs < wallNs, `window ${p!.windowNs} ns within [0.5 s, the run's ${wallNs} ns)`);
  assert.equal(run.execsPerSecond, p!.execs / (p!.windowNs / 1e9));
  assert.equal(run.usPerExec, p!.windowNs / 1e3 / p!.execs);
});

test('pinned processes end on their CPUs', { skip: noCompiler || (availableParallelism() < 2 && 'one CPU') }, () => {
  const bin = doexecBinary(realProbe, env).path;
  const { run } = runDoexec(doexecArgs(bin, 2, 0.2, true, [1, 0]), 2, 0.2);
  assert.deepEqual(run.procs.map((p) => [p.proc, p.cpu]), [[0, 1], [1, 0]]);
});

const perf = realProbe.which('perf');
const traceable = perf !== null && (realProbe.isRoot() || (realProbe.perfEventParanoid() ?? 2) <= -1);
test('the execs reported are the execve calls the kernel counted', { skip: noCompiler || (!traceable && 'perf cannot count syscall tracepoints here') }, () => {
  const bin = doexecBinary(realProbe, env).path;
  // perf stat enables its counters at the workload's own exec, so that exec is not counted; every later one is.
  const r = spawnSync(perf!, ['stat', '-x,', '-e', 'syscalls:sys_enter_execve', '--', ...doexecArgs(bin, 2, 0.3, true, [0, 1 % availableParallelism()])], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const counted = Number(/^(\d+),[^\n]*syscalls:sys_enter_execve/m.exec(r.stderr)?.[1]);
  const reported = [...r.stdout.matchAll(/execs (\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
  assert.ok(reported > 0);
  assert.equal(reported, counted);
});
