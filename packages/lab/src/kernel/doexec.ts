// The real benchmark: native/doexec.c (in this package, so a clean clone
// has it), compiled on first use with the system's `cc -static -O2` into
// a cache directory keyed by the source's hash — $XDG_CACHE_HOME/percpu-lab
// or ~/.cache/percpu-lab — never into the tree; then run for N processes
// and its report read back. See doexec.c for what it measures.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunFailed } from '../cli/errors.js';
import { findCompiler, type HostProbe } from './prerequisites.js';

/** The C source, from dist/src/kernel/ or src/kernel/ alike (both three levels under the package). */
export const DOEXEC_SOURCE = fileURLToPath(new URL('../../../native/doexec.c', import.meta.url));
export const COMPILE_FLAGS = ['-static', '-O2'] as const;

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CACHE_HOME']?.trim() || join(homedir(), '.cache');
  return join(base, 'percpu-lab');
}

/** A command the kernel command ran, for the JSON record. */
export interface CommandRun {
  argv: string[];
  status: number | null;
  seconds: number;
}

export interface DoexecBinary {
  path: string;
  sourceSha256: string;
  /** The compile command, or null when the cached binary was used. */
  compiled: CommandRun | null;
}

/** The compiled binary for the current source, building it when the cache has none. */
export function doexecBinary(probe: HostProbe, env: NodeJS.ProcessEnv = process.env): DoexecBinary {
  const source = readFileSync(DOEXEC_SOURCE);
  const sha = createHash('sha256').update(source).update(COMPILE_FLAGS.join(' ')).digest('hex');
  const dir = join(cacheDir(env), `doexec-${sha.slice(0, 16)}`);
  const path = join(dir, 'doexec');
  if (existsSync(path)) return { path, sourceSha256: sha, compiled: null };
  const cc = findCompiler(probe);
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const argv = [cc, ...COMPILE_FLAGS, '-o', tmp, DOEXEC_SOURCE];
  const t0 = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || '').split('\n').find((l) => /error/i.test(l)) ?? `exit ${r.status}`;
    throw new RunFailed(`compiling doexec failed: ${argv.join(' ')}: ${why.trim()}`);
  }
  renameSync(tmp, path);
  return { path, sourceSha256: sha, compiled: { argv, status: r.status, seconds: (performance.now() - t0) / 1000 } };
}

/** One process's report: execs completed in its window. */
export interface DoexecProc {
  proc: number;
  /** The CPU it ran its last exec on. */
  cpu: number;
  execs: number;
  windowNs: number;
}

export interface DoexecRun {
  procs: DoexecProc[];
  /** Σ execs / window over the processes: the aggregate rate, as per-process benchmarks sum. */
  execsPerSecond: number;
  /** Mean over the processes of window / execs, in µs. */
  usPerExec: number;
}

const LINE = /^proc (\d+) cpu (-?\d+) execs (\d+) ns (\d+)$/;

/** doexec's stdout → its processes' counts and the aggregate rate. */
export function parseDoexecOutput(text: string, nprocs: number): DoexecRun {
  const procs = text.split('\n').map((l) => LINE.exec(l.trim())).filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ proc: Number(m[1]), cpu: Number(m[2]), execs: Number(m[3]), windowNs: Number(m[4]) }))
    .sort((a, b) => a.proc - b.proc);
  if (procs.length !== nprocs) throw new RunFailed(`doexec reported ${procs.length} of ${nprocs} processes`);
  const zero = procs.find((p) => p.execs === 0);
  if (zero) throw new RunFailed(`doexec process ${zero.proc} completed no exec in its window`);
  return {
    procs,
    execsPerSecond: procs.reduce((s, p) => s + p.execs / (p.windowNs / 1e9), 0),
    usPerExec: procs.reduce((s, p) => s + p.windowNs / 1e3 / p.execs, 0) / procs.length,
  };
}

/** The arguments of one doexec run: N processes for `seconds`, pinned to `cpus` in order when `pin`. */
export function doexecArgs(binary: string, nprocs: number, seconds: number, pin: boolean, cpus: readonly number[]): string[] {
  return [binary, String(nprocs), String(seconds), pin ? '1' : '0', cpus.slice(0, nprocs).join(',')];
}

/** Run `argv` (doexec, or perf around it) and read doexec's report from its stdout. */
export function runDoexec(argv: string[], nprocs: number, seconds: number): { run: DoexecRun; command: CommandRun } {
  const t0 = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: (seconds + 60) * 1000, maxBuffer: 64 * 1024 * 1024 });
  const command = { argv, status: r.status, seconds: (performance.now() - t0) / 1000 };
  if (r.status !== 0) {
    const why = (r.stderr ?? '').trim().split('\n').filter(Boolean).at(-1) ?? r.error?.message ?? `exit ${r.status}`;
    throw new RunFailed(`${argv.join(' ')} failed: ${why}`);
  }
  return { run: parseDoexecOutput(r.stdout, nprocs), command };
}
