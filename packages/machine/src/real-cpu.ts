// A CPU backed by a real thread (a worker, or the main thread in tests):
// wall-clock time, real work, and Atomics locks.
import { performance } from 'node:perf_hooks';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { CpuArea, CpuState, cpuAreaAddr } from './cpu.js';
import { CACHE_LINE } from './struct.js';
import type { Cpu, Kernel } from './kernel.js';

/** The work loop spend() runs; kept opaque to the optimiser by its result. */
function spinWork(iters: number): number {
  let x = 0x9e3779b9 | 0;
  for (let i = 0; i < iters; i++) x = (Math.imul(x, 1664525) + 1013904223) | 0;
  return x;
}

let sink = 0;

/**
 * Nanoseconds one spinWork iteration takes on this host. The loop is warmed
 * up first so the optimised code is what gets timed, then timed in many
 * short runs; the fastest counts, because on a busy host most runs are
 * stretched by preemption and a slow estimate would make spend() too short.
 */
export function calibrateSpin(): number {
  const iters = 200_000;
  for (let r = 0; r < 5; r++) sink ^= spinWork(iters);
  let best = Infinity;
  for (let r = 0; r < 25; r++) {
    const t0 = performance.now();
    sink ^= spinWork(iters);
    best = Math.min(best, (performance.now() - t0) * 1e6 / iters);
  }
  return best;
}

const LINE_WORDS = CACHE_LINE >> 2;

export class RealCpu implements Cpu {
  readonly nrPossible: number;
  /** Real work is timed, so it is done: every store, even one the caller overwrites. */
  readonly pricesWork: boolean = false;
  private readonly rng: RandomGenerator;
  /** This CPU's process memory for touchPrivate(): private, never in the SAB, so no other worker shares its lines. */
  private privateMem = new Int32Array(0);

  constructor(
    readonly kernel: Kernel,
    readonly id: number,
    seed: number,
    /** ns per spinWork iteration, from calibrateSpin() (shared by all CPUs of a run). */
    private readonly nsPerIter: number,
  ) {
    this.nrPossible = kernel.nrCpus;
    this.rng = xoroshiro128plus((seed * 0x9e3779b1 + id) | 0);
  }

  /** Mark this CPU online (spinners and the watchdog read this). */
  online(): void {
    CpuArea.state.store(this.kernel.mem, cpuAreaAddr(this.kernel, this.id), CpuState.Running);
  }

  offline(state: CpuState.Offline | CpuState.Dead = CpuState.Offline): void {
    CpuArea.state.store(this.kernel.mem, cpuAreaAddr(this.kernel, this.id), state);
  }

  now(): number {
    return performance.now() * 1e6;
  }

  spend(ns: number): void {
    if (ns > 0) sink ^= spinWork(Math.round(ns / this.nsPerIter));
  }

  touchPrivate(bytes: number): void {
    const words = Math.ceil(bytes / CACHE_LINE) * LINE_WORDS;
    if (words > this.privateMem.length) this.privateMem = new Int32Array(words);
    const m = this.privateMem;
    for (let i = 0; i < words; i += LINE_WORDS) m[i] = (m[i]! + 1) | 0;
  }

  /** Bytes of private memory the work phase has written so far (its largest footprint), for tests. */
  get privateBytes(): number {
    return this.privateMem.length << 2;
  }

  cost(): void {}

  touchUnits(): void {}

  touchOwn(): void {}

  touchShared(): void {}

  randInt(lo: number, hi: number): number {
    return uniformInt(this.rng, lo, hi);
  }

  random(): number {
    return uniformFloat64(this.rng);
  }
}
