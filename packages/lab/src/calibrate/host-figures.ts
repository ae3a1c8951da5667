// What `percpu-lab calibrate` measures directly instead of fitting: the
// threads engine's own lock operations and the hand-offs between workers
// that its contention costs are made of.
//   - uncontended lock + unlock of the engine's Atomics spinlock and mutex,
//     lock statistics on as in a run, and one Atomics RMW and one poll:
//     timed loops on the main thread (one CPU, as the 1-CPU points run);
//   - a cache-line hand-off between two workers spinning on one word, and
//     a sleep/wake hand-off through Atomics.wait/notify: ping-pong rounds;
//   - the mutex's optimistic spin window: its largest poll budget times
//     one poll;
//   - the cache sizes Linux reports (host-caches.ts), read, not timed.
// Each figure is the fastest of several rounds: on a shared host a round
// is only ever made slower, by a preemption that is the host's load, not
// the cost being measured.
import { Worker } from 'node:worker_threads';
import { atomicsLockOps, bootMachine, MUTEX_SPIN_POLLS, RealCpu } from '@percpu-lab/machine';
import { DEFAULT_GEOMETRY, pcpuBoot } from '@percpu-lab/percpu';
import { readHostCaches, type HostCaches } from './host-caches.js';

export interface HostFigures {
  /** ns per uncontended lock + unlock pair, lock statistics on. */
  spinPairNs: number;
  mutexPairNs: number;
  atomicNs: number;
  pollNs: number;
  /** One-way hand-off of a line between two spinning workers. */
  handOffNs: number;
  /** One-way hand-off between two workers that sleep in Atomics.wait. */
  sleepWakeNs: number;
  /** The mutex's largest optimistic spin, in ns. */
  mutexSpinWindowNs: number;
  spinPolls: number;
  /** L2 and LLC sizes from sysfs; null where the host does not say. */
  caches: HostCaches | null;
}

const TIMED_ROUNDS = 7;

/** ns per iteration of fn(n), the fastest of TIMED_ROUNDS rounds. */
function timed(fn: (n: number) => void, n: number): number {
  let best = Infinity;
  for (let r = 0; r < TIMED_ROUNDS; r++) {
    const t0 = performance.now();
    fn(n);
    best = Math.min(best, ((performance.now() - t0) * 1e6) / n);
  }
  return best;
}

function lockFigures(): Pick<HostFigures, 'spinPairNs' | 'mutexPairNs' | 'atomicNs' | 'pollNs'> {
  const kernel = bootMachine({ nrCpus: 1, memBytes: 64 * 1024 * 1024 });
  pcpuBoot(kernel, DEFAULT_GEOMETRY);
  kernel.publish();
  kernel.setLockOps(atomicsLockOps);
  const cpu = new RealCpu(kernel, 0, 1, 1);
  cpu.online();
  const pair = (name: string) => {
    const lock = kernel.lock(name);
    return timed((n) => {
      for (let i = 0; i < n; i++) {
        lock.lock(cpu);
        lock.unlock(cpu);
      }
    }, 200_000);
  };
  const i32 = kernel.mem.i32;
  const word = 16;
  const atomicNs = timed((n) => {
    for (let i = 0; i < n; i++) Atomics.add(i32, word, 1);
  }, 1_000_000);
  let sink = 0;
  const pollNs = timed((n) => {
    for (let i = 0; i < n; i++) sink += Atomics.load(i32, word);
  }, 1_000_000);
  if (sink === -1) throw new Error('unreachable: keeps the poll loop from being optimised away');
  return { spinPairNs: pair('pcpu_lock'), mutexPairNs: pair('pcpu_alloc_mutex'), atomicNs, pollNs };
}

// Two workers hand a word back and forth in rounds; `sleep` parks the
// waiter in Atomics.wait. Each reports its fastest round's mean round trip.
const PING_PONG = `
const { workerData: { sab, me, rounds, n, sleep }, parentPort } = require('node:worker_threads');
const w = new Int32Array(sab);
const other = 1 - me;
Atomics.add(w, 1, 1);
while (Atomics.load(w, 1) < 2);
let best = Infinity;
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    if (sleep) { while (Atomics.load(w, 0) !== me) Atomics.wait(w, 0, other); }
    else { while (Atomics.load(w, 0) !== me); }
    Atomics.store(w, 0, other);
    if (sleep) Atomics.notify(w, 0, 1);
  }
  best = Math.min(best, (performance.now() - t0) * 1e6 / n);
}
parentPort.postMessage(best);
`;

/** One-way hand-off (ns) between two workers: half the fastest round trip. */
async function handOff(sleep: boolean, rounds: number, n: number): Promise<number> {
  const sab = new SharedArrayBuffer(64);
  const run = (me: number) =>
    new Promise<number>((resolve, reject) => {
      const w = new Worker(PING_PONG, { eval: true, workerData: { sab, me, rounds, n, sleep } });
      w.once('message', resolve);
      w.once('error', reject);
    });
  const [a, b] = await Promise.all([run(0), run(1)]);
  return Math.min(a, b) / 2;
}

export const HAND_OFF_ROUNDS = { spinning: { rounds: 100, n: 2000 }, sleeping: { rounds: 50, n: 200 } } as const;

export async function measureHostFigures(): Promise<HostFigures> {
  const locks = lockFigures();
  const handOffNs = await handOff(false, HAND_OFF_ROUNDS.spinning.rounds, HAND_OFF_ROUNDS.spinning.n);
  const sleepWakeNs = await handOff(true, HAND_OFF_ROUNDS.sleeping.rounds, HAND_OFF_ROUNDS.sleeping.n);
  return { ...locks, handOffNs, sleepWakeNs, mutexSpinWindowNs: MUTEX_SPIN_POLLS * locks.pollNs, spinPolls: MUTEX_SPIN_POLLS, caches: readHostCaches() };
}
