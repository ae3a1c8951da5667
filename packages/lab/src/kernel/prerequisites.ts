// What `percpu-lab kernel` needs from the host, each looked up through a
// HostProbe so a test can take any of them away without uninstalling
// anything: a C compiler ($CC, else cc, on PATH), a static C library (the
// compiler's -print-file-name=libc.a must name a file that exists), perf
// on PATH, and the right to trace (root, or perf_event_paranoid ≤ 1). Each
// missing one is a MissingPrerequisite: one line naming what to install or
// change, exit 2.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { MissingPrerequisite } from '../cli/errors.js';

export interface HostProbe {
  /** The absolute path of an executable found on PATH (or the path itself when given one), or null. */
  which(name: string): string | null;
  /** What `cc -print-file-name=libc.a` prints (a bare "libc.a" when the compiler has none). */
  staticLibc(cc: string): string | null;
  /** A file exists. */
  exists(path: string): boolean;
  /** The compiler to use: $CC or cc. */
  compilerName(): string;
  isRoot(): boolean;
  /** /proc/sys/kernel/perf_event_paranoid, or null when unreadable. */
  perfEventParanoid(): number | null;
}

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const realProbe: HostProbe = {
  which(name) {
    if (isAbsolute(name)) return executable(name) ? name : null;
    for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
      if (dir !== '' && executable(join(dir, name))) return join(dir, name);
    }
    return null;
  },
  staticLibc(cc) {
    const r = spawnSync(cc, ['-print-file-name=libc.a'], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  },
  exists: existsSync,
  compilerName: () => process.env['CC']?.trim() || 'cc',
  isRoot: () => process.getuid?.() === 0,
  perfEventParanoid() {
    try {
      return Number(readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8').trim());
    } catch {
      return null;
    }
  },
};

/** The compiler to build doexec with; throws when there is none or it has no static libc. */
export function findCompiler(probe: HostProbe): string {
  const name = probe.compilerName();
  const cc = probe.which(name);
  if (cc === null) throw new MissingPrerequisite(`no C compiler (${name}) found to build doexec; install the Debian package gcc`);
  const libc = probe.staticLibc(cc);
  if (libc === null || !isAbsolute(libc) || !probe.exists(libc)) {
    throw new MissingPrerequisite(`${name} has no static C library (libc.a) to link doexec with -static; install the Debian package libc6-dev`);
  }
  return cc;
}

/** perf, and the right to trace with it; throws when either is missing. */
export function findPerf(probe: HostProbe): string {
  const perf = probe.which('perf');
  if (perf === null) throw new MissingPrerequisite('--perf needs perf on PATH; install the Debian package linux-perf');
  const paranoid = probe.perfEventParanoid();
  if (!probe.isRoot() && (paranoid === null || paranoid > 1)) {
    throw new MissingPrerequisite(
      `--perf cannot trace: perf_event_paranoid is ${paranoid ?? 'unreadable'} and you are not root (run as root or set it to 1 or less)`,
    );
  }
  return perf;
}
