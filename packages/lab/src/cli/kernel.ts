// `percpu-lab kernel`: doexec on the kernel this host runs, beside the
// lab's prediction for the same machine (kernel/ holds the parts; this
// file orders them). Every prerequisite is checked before anything runs:
// a missing one is one line and exit 2. Progress goes to stderr, the
// tables (or, with --json, the whole record) to stdout. Exit 0 done, 1 a
// run failed, 2 bad usage or a missing prerequisite.
import { loadavg } from 'node:os';
import { parseCommandArgs } from './args.js';
import type { Command } from './command.js';
import { UsageError } from './errors.js';
import { kallsymsLockFacts, LAB_CLASSES } from '../kernel/contention.js';
import { COMPILE_FLAGS, doexecArgs, doexecBinary, DOEXEC_SOURCE, runDoexec, type CommandRun } from '../kernel/doexec.js';
import { labPrediction } from '../kernel/lab-side.js';
import { lockStatRows } from '../kernel/lock-stat-read.js';
import { pinOrder, readHostMachine, readText, type ReadText } from '../kernel/machine.js';
import { hasLockTracepoints, perfProfile } from '../kernel/perf.js';
import { findPerf, realProbe, type HostProbe } from '../kernel/prerequisites.js';
import { kernelReportLines, type KernelReport, type RealPoint } from '../kernel/report.js';
import { toolVersion } from '../results/host.js';

const DEFAULT_SECONDS = 3;
/** Virtual-engine execs per CPU (and as many warm-up): its figures are deterministic, so a few hundred settle them. */
const LAB_OPS = 400;

export const KERNEL_USAGE = `usage: percpu-lab kernel [--procs LIST] [--seconds S] [--pin | --no-pin] [--perf] [--json]

Run doexec (N processes, each exec'ing itself in a loop; C source in the lab package, compiled
on first use with cc -static -O2 into ~/.cache/percpu-lab) on the kernel this host runs, and
the lab's virtual engine on the same machine (CPUs, sockets, threads per core), its
one-process cycle matched to the measured one so that only scaling is predicted. One table
per process count: real vs lab execs/s, µs per exec, speedup over one process, the percpu
path's share of CPU time and the lock waits.

  --procs LIST   comma list of process counts, at most the online CPUs (default 1, 2, 4, …
                 up to them); 1 is always run, the speedups are over it
  --seconds S    seconds each real point runs, in (0, 600] (default ${DEFAULT_SECONDS})
  --pin          one process per CPU with sched_setaffinity (the default: sched_exec
                 migration otherwise dominates a single process); --no-pin leaves them free
  --perf         run each point again under perf: the share of CPU time under the functions
                 the lab models (cpu-clock -g), lock contention (lock:contention_begin/end)
                 and /proc/lock_stat when the kernel has it; needs root or perf_event_paranoid <= 1
  --json         print the whole record (host facts, every figure, the commands run) as JSON

exit status: 0 ok, 1 a run failed, 2 bad usage or a missing prerequisite (one line naming it)`;

const OPTIONS = {
  procs: { type: 'string' },
  seconds: { type: 'string' },
  pin: { type: 'boolean' },
  'no-pin': { type: 'boolean' },
  perf: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function procList(value: string | undefined, online: number): number[] {
  const fallback = [1];
  for (let n = 2; n <= online; n *= 2) fallback.push(n);
  if (online > 1 && fallback.at(-1) !== online) fallback.push(online);
  if (value === undefined) return fallback;
  const list = value.split(',').map((s) => s.trim()).map((s) => {
    const n = Number(s);
    if (s === '' || !Number.isInteger(n) || n < 1 || n > online) {
      throw new UsageError(`--procs takes a comma list of process counts from 1 to ${online} (the online CPUs), got '${value}'`);
    }
    return n;
  });
  return [...new Set([1, ...list])].sort((a, b) => a - b);
}

function secondsFlag(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SECONDS;
  const s = Number(value);
  if (value.trim() === '' || !Number.isFinite(s) || s <= 0 || s > 600) throw new UsageError(`--seconds must be a number in (0, 600], got '${value}'`);
  return s;
}

/** The command with its host lookups given: a test takes a prerequisite away through `probe`. */
export async function kernelMain(argv: string[], probe: HostProbe = realProbe, read: ReadText = readText): Promise<number> {
  const { values } = parseCommandArgs('kernel', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(`${KERNEL_USAGE}\n`);
    return 0;
  }
  if (values.pin && values['no-pin']) throw new UsageError('--pin and --no-pin contradict each other; give one');
  const host = readHostMachine(read);
  const procs = procList(values.procs, host.onlineCpus.length);
  const seconds = secondsFlag(values.seconds);
  const pin = !values['no-pin'];
  const log = (l: string) => process.stderr.write(`${l}\n`);

  // Prerequisites first: nothing runs when one is missing.
  const binary = doexecBinary(probe);
  const perf = values.perf ? findPerf(probe) : null;
  const commands: CommandRun[] = binary.compiled ? [binary.compiled] : [];
  if (binary.compiled) log(`compiled ${binary.path}`);
  const locks = perf !== null && hasLockTracepoints(probe.exists);
  const perfNotes = perf === null ? ['--perf not given: no perf profile, no lock contention, no percpu share on the real side']
    : locks ? [] : ['no lock:contention_begin tracepoint in this kernel (added in 5.19): no real lock waits'];
  const lockFacts = kallsymsLockFacts(read('/proc/kallsyms') ?? '');

  const loadBefore = loadavg()[0]!;
  const cpus = pinOrder(host, read);
  const real: RealPoint[] = [];
  for (const n of procs) {
    const args = doexecArgs(binary.path, n, seconds, pin, cpus);
    log(`real: ${n} process${n === 1 ? '' : 'es'} for ${seconds} s...`);
    const { run, command } = runDoexec(args, n, seconds);
    commands.push(command);
    let perfPart: RealPoint['perf'] = null;
    if (perf !== null) {
      log(`real: ${n} process${n === 1 ? '' : 'es'} under perf for ${seconds} s...`);
      perfPart = perfProfile(perf, args, n, seconds, locks, lockFacts, commands);
    }
    real.push({ procs: n, pinnedTo: pin ? cpus.slice(0, n) : [], run, perf: perfPart });
  }
  const loadAfter = loadavg()[0]!;

  log('lab: the virtual engine on the same machine...');
  const one = real.find((p) => p.procs === 1)!;
  const topology = { machineCpus: host.possibleCpus, sockets: host.sockets, threadsPerCore: host.threadsPerCore };
  const lab = await labPrediction(topology, procs, one.run.usPerExec * 1e3, LAB_OPS);
  const lockStatText = read('/proc/lock_stat');
  const report: KernelReport = {
    command: 'kernel',
    tool: { name: 'percpu-lab', version: toolVersion() },
    createdAt: new Date().toISOString(),
    host,
    loadAverage: { before: loadBefore, after: loadAfter },
    settings: { procs, seconds, pin, perf: perf !== null },
    doexec: { source: DOEXEC_SOURCE, sourceSha256: binary.sourceSha256, binary: binary.path, compileFlags: [...COMPILE_FLAGS] },
    real,
    lab,
    perfNotes,
    lockStat: lockStatText === null ? null : lockStatRows(lockStatText, LAB_CLASSES.map((c) => c.labClass)),
    commands: [...commands, ...lab.runs],
  };
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else process.stdout.write(`${kernelReportLines(report).join('\n')}\n`);
  return 0;
}

export const kernelCommand: Command = {
  name: 'kernel',
  summary: "run doexec on this host's kernel beside the lab's prediction for the same machine",
  run: (argv) => kernelMain(argv),
};

