// Each thing `percpu-lab kernel` needs from the host, taken away through
// its HostProbe (nothing is uninstalled): no compiler, no static libc, no
// perf with --perf, not allowed to trace. Each is one line naming what to
// install or change, exit 2, before anything runs. The CLI prints it in the
// one error form (checked with $CC pointing nowhere and an empty cache).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MissingPrerequisite } from '../src/cli/errors.js';
import { kernelMain } from '../src/cli/kernel.js';
import { findCompiler, realProbe, type HostProbe } from '../src/kernel/prerequisites.js';

const BIN = fileURLToPath(new URL('../../../../bin/percpu-lab.js', import.meta.url));
const cache = mkdtempSync(join(tmpdir(), 'percpu-lab-prereq-'));
process.env['XDG_CACHE_HOME'] = cache;
after(() => rmSync(cache, { recursive: true, force: true }));
const ARGS = ['--procs', '1', '--seconds', '0.1', '--perf'];

function without(over: Partial<HostProbe>): HostProbe {
  return { ...realProbe, ...over };
}

async function oneLine(probe: HostProbe, pattern: RegExp): Promise<void> {
  await assert.rejects(kernelMain(ARGS, probe), (e: unknown) => {
    assert.ok(e instanceof MissingPrerequisite, String(e));
    assert.equal(e.exitCode, 2);
    assert.ok(!e.message.includes('\n'), e.message);
    assert.match(e.message, pattern);
    return true;
  });
}

test('no compiler names gcc', () => oneLine(without({ which: (n) => (n === 'cc' ? null : realProbe.which(n)), compilerName: () => 'cc' }), /no C compiler \(cc\).*Debian package gcc$/));

// A compiler is given, so the case runs on a host without one too.
test('no static libc names libc6-dev', () =>
  oneLine(without({ which: (n) => (n === 'cc' ? '/usr/bin/cc' : realProbe.which(n)), compilerName: () => 'cc', staticLibc: () => 'libc.a' }),
    /no static C library.*Debian package libc6-dev$/));

let noCompiler: string | false = false;
try {
  findCompiler(realProbe);
} catch {
  noCompiler = 'no real compiler to get past the build step';
}

test('no perf names linux-perf', { skip: noCompiler }, () => oneLine(without({ which: (n) => (n === 'perf' ? null : realProbe.which(n)) }), /--perf needs perf.*Debian package linux-perf$/));

test('not root with perf_event_paranoid 2 says how to allow tracing', { skip: noCompiler }, () =>
  oneLine(without({ which: (n) => (n === 'perf' ? '/usr/bin/perf' : realProbe.which(n)), isRoot: () => false, perfEventParanoid: () => 2 }), /perf_event_paranoid is 2 and you are not root/));

test('the CLI prints it as `percpu-lab kernel: …` and exits 2', () => {
  const r = spawnSync(process.execPath, [BIN, 'kernel', '--procs', '1'], {
    encoding: 'utf8', env: { ...process.env, CC: '/nonexistent/cc', XDG_CACHE_HOME: join(cache, 'empty') },
  });
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'percpu-lab kernel: no C compiler (/nonexistent/cc) found to build doexec; install the Debian package gcc\n');
});
