// `percpu-lab locks`: a short lock contention demo. N CPUs (worker threads)
// hammer one lock — a mutex or a spinlock — incrementing a plain counter
// under it; the run checks the count and prints the lock's statistics the
// way /proc/lock_stat shows them.
import {
  bootMachine,
  CACHE_LINE,
  defineLock,
  LockKind,
  oversubscription,
  oversubscriptionNote,
  PoolError,
  readLockStats,
  runOnCpus,
} from '@percpu-lab/machine';
import { lockStatLines } from '../report/lock-stat.js';
import { choiceFlag, intFlag, parseCommandArgs } from './args.js';
import type { Command } from './command.js';
import { RunFailed } from './errors.js';
import type { LocksDemoArgs, LocksDemoResult } from './locks.job.js';

const USAGE = `usage: percpu-lab locks [--cpus N] [--ops N] [--kind mutex|spin] [--json]

Run CPUs 0..N-1 as worker threads that each take one shared lock --ops times
(lock, increment a plain counter, unlock), check the counter, and print the
lock's statistics in /proc/lock_stat form (times in µs).

  --cpus N       emulated CPUs, 1..256 (default 2)
  --ops N        lock/unlock pairs per CPU, 1..100000000 (default 100000)
  --kind KIND    mutex (sleeping lock with optimistic spinning) or spin
                 (spinlock that parks after a bounded spin); default mutex
  --json         print one JSON object instead of the table

exit status: 0 ok, 1 the run failed, 2 bad usage`;

const OPTIONS = {
  cpus: { type: 'string' },
  ops: { type: 'string' },
  kind: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const KINDS = ['mutex', 'spin'] as const;
const LOCK_NAMES = { mutex: 'demo_mutex', spin: 'demo_spinlock' } as const;
const COUNTER = 'demo_counter';
const JOB = new URL('./locks.job.js', import.meta.url).href;

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('locks', argv, OPTIONS);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const cpus = intFlag('cpus', values.cpus, 2, 1, 256);
  const ops = intFlag('ops', values.ops, 100_000, 1, 100_000_000);
  const kind = choiceFlag('kind', values.kind, KINDS, 'mutex');
  const lock = LOCK_NAMES[kind];

  const kernel = bootMachine({ nrCpus: cpus, memBytes: 32 * 1024 * 1024 + cpus * 128 * 1024 });
  defineLock(kernel, lock, kind === 'mutex' ? LockKind.Mutex : LockKind.SpinLock);
  kernel.defineSymbol(COUNTER, kernel.memblockAlloc(CACHE_LINE, CACHE_LINE));
  kernel.publish();

  let elapsedNs: LocksDemoResult[];
  try {
    elapsedNs = await runOnCpus<LocksDemoArgs, LocksDemoResult>({ kernel, cpus, job: { module: JOB, args: { lock, counter: COUNTER, ops } }, seed: 1 });
  } catch (e) {
    if (e instanceof PoolError) throw new RunFailed(e.message);
    throw e;
  }
  const seconds = Math.max(...elapsedNs) / 1e9;
  const counter = kernel.mem.i32[kernel.symbol(COUNTER) >> 2]!;
  const expected = cpus * ops;
  const stats = readLockStats(kernel).filter((s) => s.acquisitions > 0);
  const host = oversubscription(cpus);
  if (values.json) {
    const out = {
      command: 'locks', cpus, ops, kind, lock, seconds, acquisitionsPerSecond: expected / seconds, counter, expected,
      hostCores: host.hostCores, oversubscribed: host.oversubscribed, oversubscriptionFactor: host.factor, lockStat: stats,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    const rate = expected / seconds;
    process.stdout.write(
      `locks: ${cpus} CPU${cpus === 1 ? '' : 's'} x ${ops} lock/unlock of ${lock} (${kind}) in ${seconds.toFixed(3)} s: ` +
        `${(rate / 1e6).toFixed(2)} M acquisitions/s; counter ${counter} of ${expected}\n`,
    );
    const note = oversubscriptionNote(cpus);
    if (note) process.stdout.write(`${note}\n`);
    process.stdout.write(`\n${lockStatLines(stats).join('\n')}\n`);
  }
  if (counter !== expected) throw new RunFailed(`mutual exclusion failed: counter is ${counter}, expected ${expected}`);
  return 0;
}

export const locksCommand: Command = {
  name: 'locks',
  summary: 'lock contention demo on N CPUs with a /proc/lock_stat table',
  run,
};
