// `--perf`: doexec run again under `perf record` — cpu-clock samples with
// call chains, and the lock:contention_begin/end tracepoints when the
// kernel has them (5.19 and later) — then `perf script --ns` read by the
// pure parsers (perf-script.ts, cpu-shares.ts, contention.ts). The perf
// run is separate from the measured one, so tracing never slows the
// execs/s the tables give.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunFailed } from '../cli/errors.js';
import { lockContentions, type ContentionContext, type Contentions } from './contention.js';
import { cpuShares, type CpuShares } from './cpu-shares.js';
import { runDoexec, type CommandRun, type DoexecRun } from './doexec.js';
import { parsePerfScript } from './perf-script.js';

const LOCK_EVENTS = ['lock:contention_begin', 'lock:contention_end'];
const TRACEFS = ['/sys/kernel/tracing/events/lock/contention_begin', '/sys/kernel/debug/tracing/events/lock/contention_begin'];

export function hasLockTracepoints(exists: (p: string) => boolean = existsSync): boolean {
  return TRACEFS.some(exists);
}

export interface PerfProfile {
  /** doexec's own report under perf (slower than the measured run: sampling and tracing cost). */
  run: DoexecRun;
  cpu: CpuShares;
  /** null when the kernel has no lock tracepoints. */
  contention: Contentions | null;
  /** CPU time of the processes over the perf run (Σ windows), the base of the wait shares. */
  cpuTimeNs: number;
}

export function perfProfile(
  perf: string, doexecArgv: string[], nprocs: number, seconds: number, locks: boolean, ctx: ContentionContext, commands: CommandRun[],
): PerfProfile {
  const dir = mkdtempSync(join(tmpdir(), 'percpu-lab-kernel-'));
  try {
    const data = join(dir, 'perf.data');
    const events = ['cpu-clock', ...(locks ? LOCK_EVENTS : [])].flatMap((e) => ['-e', e]);
    const recorded = runDoexec([perf, 'record', '-q', ...events, '-g', '-o', data, '--', ...doexecArgv], nprocs, seconds);
    commands.push(recorded.command);
    const scriptArgv = [perf, 'script', '--ns', '-i', data];
    const out = join(dir, 'script.txt');
    const fd = openSync(out, 'w');
    const t0 = performance.now();
    let r;
    try {
      r = spawnSync(scriptArgv[0]!, scriptArgv.slice(1), { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    } finally {
      closeSync(fd);
    }
    commands.push({ argv: scriptArgv, status: r.status, seconds: (performance.now() - t0) / 1000 });
    if (r.status !== 0) throw new RunFailed(`${scriptArgv.join(' ')} failed: ${(r.stderr ?? '').trim().split('\n').at(-1)}`);
    const samples = parsePerfScript(readFileSync(out, 'utf8'));
    return {
      run: recorded.run,
      cpu: cpuShares(samples),
      contention: locks ? lockContentions(samples, ctx) : null,
      cpuTimeNs: recorded.run.procs.reduce((s, p) => s + p.windowNs, 0),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
