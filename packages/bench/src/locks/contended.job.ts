// Job run on each CPU by the contended-lock benchmark. For each round and
// each lock in turn, all CPUs meet at a phase barrier and then, for a fixed
// time, lock / increment a shared counter / unlock as fast as they can.
import type { CpuContext, Kernel, Lock, RealCpu } from '@percpu-lab/machine';
import { BENCH_COUNTER, BENCH_MUTEX, BENCH_SPINLOCK, DREPPER_WORD, PHASE_BARRIER } from './bench-kernel.js';
import { DrepperMutex } from './drepper-mutex.js';
import { PhaseBarrier } from './phase-barrier.js';

export type ContendedLock = 'mutex' | 'spin' | 'drepper';

export interface ContendedArgs {
  locks: ContendedLock[];
  rounds: number;
  phaseMs: number;
  /** Work done holding the lock, and between releasing and taking it again (ns; 0 = none). */
  holdNs: number;
  thinkNs: number;
}

/** acquisitions[round][lock] and the time each phase took on this CPU. */
export interface ContendedResult {
  acquisitions: number[][];
  elapsedNs: number[][];
}

/** Ops between clock reads, so the clock stays out of the measured loop. */
const CLOCK_EVERY = 256;

/** The lock calls the loop makes; DrepperMutex ignores the CPU argument. */
type Acquirer = Pick<Lock, 'lock' | 'unlock'>;

function acquirer(kernel: Kernel, which: ContendedLock): Acquirer {
  if (which === 'drepper') return new DrepperMutex(kernel.mem.i32, kernel.symbol(DREPPER_WORD) >> 2);
  return kernel.lock(which === 'mutex' ? BENCH_MUTEX : BENCH_SPINLOCK);
}

function phase(a: Acquirer, i32: Int32Array, counter: number, cpu: RealCpu, args: ContendedArgs, progress: () => void): [number, number] {
  const t0 = cpu.now();
  const end = t0 + args.phaseMs * 1e6;
  const { holdNs, thinkNs } = args;
  let n = 0;
  let now = t0;
  while (now < end) {
    for (let i = 0; i < CLOCK_EVERY; i++) {
      a.lock(cpu);
      i32[counter] = i32[counter]! + 1;
      cpu.spend(holdNs);
      a.unlock(cpu);
      cpu.spend(thinkNs);
    }
    n += CLOCK_EVERY;
    progress();
    now = cpu.now();
  }
  return [n, now - t0];
}

export function cpuMain({ kernel, cpu, args, cpus, progress }: CpuContext<ContendedArgs>): ContendedResult {
  const i32 = kernel.mem.i32;
  const counter = kernel.symbol(BENCH_COUNTER) >> 2;
  const barrier = new PhaseBarrier(i32, kernel.symbol(PHASE_BARRIER) >> 2, cpus);
  const acquirers = args.locks.map((l) => acquirer(kernel, l));
  const out: ContendedResult = { acquisitions: [], elapsedNs: [] };
  for (let r = 0; r < args.rounds; r++) {
    const acq: number[] = [];
    const el: number[] = [];
    for (const a of acquirers) {
      barrier.wait();
      const [n, ns] = phase(a, i32, counter, cpu, args, progress);
      acq.push(n);
      el.push(ns);
    }
    out.acquisitions.push(acq);
    out.elapsedNs.push(el);
  }
  return out;
}
