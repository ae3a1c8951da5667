// Who waits for which lock, read from kernel memory: each CPU records the
// lock it is trying to take (CpuArea.waitingOn) and every lock word names its
// owner. Used when a run is stuck or a CPU died, to say which lock, held by
// which CPU, blocks which CPUs — the question a hung-task report answers.
import { CpuArea, CpuState, cpuAreaAddr } from '../cpu.js';
import type { Kernel } from '../kernel.js';
import { lockOwnerOf, LockWord } from '../lock.js';

export type CpuStateName = 'offline' | 'running' | 'sleeping' | 'dead';

const STATE_NAMES: CpuStateName[] = ['offline', 'running', 'sleeping', 'dead'];

export function cpuStateName(kernel: Kernel, cpu: number): CpuStateName {
  return STATE_NAMES[CpuArea.state.load(kernel.mem, cpuAreaAddr(kernel, cpu))] ?? 'offline';
}

/** One contended lock: its class, its holder, and the CPUs waiting for it. */
export interface LockWait {
  lock: string;
  addr: number;
  /** CPU holding it, or -1 if it was released while we looked. */
  holder: number;
  holderState: CpuStateName | 'none';
  waiters: number[];
}

/** Every lock CPUs 0..cpus-1 are waiting for right now, grouped by lock. */
export function lockWaits(kernel: Kernel, cpus: number): LockWait[] {
  const m = kernel.mem;
  const byAddr = new Map<number, LockWait>();
  for (let c = 0; c < cpus; c++) {
    const addr = CpuArea.waitingOn.load(m, cpuAreaAddr(kernel, c));
    if (addr === 0) continue;
    let w = byAddr.get(addr);
    if (w === undefined) {
      // Word, holder state, word again: if the word did not change around the
      // state read, the holder really was in that state while holding it
      // (a CPU releases its locks before it marks itself offline).
      const word = LockWord.word.load(m, addr);
      const holder = word === 0 ? -1 : lockOwnerOf(word);
      const state = holder < 0 ? 'none' : cpuStateName(kernel, holder);
      const stable = LockWord.word.load(m, addr) === word;
      w = {
        lock: kernel.lockClassName(LockWord.classId.get(m, addr)),
        addr,
        holder,
        holderState: stable ? state : 'running',
        waiters: [],
      };
      byAddr.set(addr, w);
    }
    w.waiters.push(c);
  }
  return [...byAddr.values()];
}

/** A lock whose holder finished or died can never be released. */
export function isOrphaned(w: LockWait): boolean {
  return w.holderState === 'offline' || w.holderState === 'dead';
}

/** True when no CPU of the run is still running outside a lock wait. */
export function allStuck(kernel: Kernel, cpus: number, waits: LockWait[]): boolean {
  const waiting = new Set(waits.flatMap((w) => w.waiters));
  for (let c = 0; c < cpus; c++) {
    const s = CpuArea.state.load(kernel.mem, cpuAreaAddr(kernel, c));
    if ((s === CpuState.Running || s === CpuState.Sleeping) && !waiting.has(c)) return false;
  }
  return waiting.size > 0;
}

export function describeWaits(waits: LockWait[]): string {
  if (waits.length === 0) return 'no CPU was waiting for a lock';
  return waits
    .map((w) => {
      const who = w.waiters.length === 1 ? `CPU ${w.waiters[0]} waits` : `CPUs ${w.waiters.join(', ')} wait`;
      const holder = w.holder < 0 ? 'nobody (just released)' : `CPU ${w.holder} (${w.holderState})`;
      return `${who} for ${w.lock} held by ${holder}`;
    })
    .join('; ');
}
