// The mm life cycle every process-churn benchmark goes through, as one CPU
// program in short steps (the virtual engine interleaves CPUs only between
// steps):
//
//   alloc    mm_alloc() — fork/exec allocate a fresh mm_struct   [timed: mmAlloc]
//   work     exec-like work outside the allocators: the process writes
//            workFootprint bytes of its own memory (cpu.touchPrivate), then
//            computes for workNs (cpu.spend)
//   run      the task runs: mm_cid get/put on this CPU, add_mm_counter
//            for the file and anon pages it maps
//   exit     exit_mmap: the same counts taken back, so check_mm finds zero
//   release  the last reference goes: mmdrop() here, or (spawn-remote) the
//            mm is handed to the parent on another CPU  [timed: mmdrop]
//
// The benchmarks differ only in what happens right after alloc (threads: a
// second thread may appear) and in release (local or remote), so those two
// are hooks of this one program. One operation = one mm lifetime.
//
// What the work phase is. A pure ALU loop leaves every cache warm, so the
// allocators that follow it run hot; exec does not: it zeroes and copies
// pages and runs code, which pushes the allocators' lines out, so in the
// kernel they run partly cold. Measured on the threads engine (1 CPU, main
// thread, spend and one lifetime timed apart in one loop): after a pure
// spend of 0-37 µs a baseline lifetime costs the same ~5.2 µs (slab-dtor
// ~2.4 µs); after the work phase wrote 256 KiB (one store per line) it costs
// ~7.0-7.5 µs, after 2 MiB ~8.3-11 µs. The extra non-work time a long ALU
// work phase seemed to bring (9.9 µs per lifetime at work-ns 37 624 in the
// 1-CPU calibration) is spend() overshooting by ~3 % plus host
// interruptions that grow with wall time, which a fit over work-ns folds
// into the non-work terms — not the allocators getting dearer.
// So the footprint is explicit and *in addition to* workNs: workNs stays
// the ALU part, and the footprint is memory work that both engines do and
// price the same way — real threads write a private buffer and pay what
// the host pays; the virtual engine charges the bytes as streamed
// (zeroByteNs) and lets them age this CPU's cached lines (capacity eviction,
// engine/virtual/context.ts), so the allocators pay LLC or DRAM reloads.
import { MM_ANONPAGES, MM_FILEPAGES } from '@percpu-lab/mm';
import type { CpuProgram } from '../engine/program.js';
import type { WorkloadEnv } from './types.js';

/** Recorder slots of the two timed operations. */
export const MM_ALLOC = 0;
export const MM_DROP = 1;
export const MM_CYCLE_LATENCIES = ['mmAlloc', 'mmdrop'] as const;

/** Counters a short-lived exec touches; page counts per update are drawn from this range. */
const TOUCHED = [MM_FILEPAGES, MM_ANONPAGES] as const;
const MIN_PAGES = 8;
const MAX_PAGES = 48;
/** Consecutive failures after which memory is clearly exhausted for good. */
const MAX_ALLOC_RETRIES = 10_000;

export class KernelMemoryExhausted extends Error {
  override name = 'KernelMemoryExhausted';
}

export interface MmCycleHooks {
  /** Right after a successful mm_alloc. */
  afterAlloc?(mm: number): void;
  /** Hand the mm on instead of dropping it here; false = drop locally. */
  handOff?(mm: number): boolean;
  /** At the start of every step (spawn-remote drains its inbox here). */
  beforeStep?(): void;
  /** End of run, after every CPU has stopped producing. */
  finish?(): void;
}

const enum Phase { Alloc, Work, Run, Exit, Release }

/** mmdrop() timed and counted; shared with the spawn-remote inbox. */
export function timedMmdrop(env: WorkloadEnv, mm: number): void {
  const t0 = env.cpu.now();
  env.mm.mmdrop(env.cpu, mm);
  env.rec.record(MM_DROP, env.cpu.now() - t0);
  env.rec.tally.mmDrops++;
}

export class MmCycle implements CpuProgram {
  private phase = Phase.Alloc;
  private mm = 0;
  private failures = 0;
  private readonly pages = new Int32Array(TOUCHED.length);
  private readonly workNs: number;
  private readonly workFootprint: number;

  constructor(
    private readonly env: WorkloadEnv,
    private readonly hooks: MmCycleHooks = {},
  ) {
    this.workNs = env.spec.knobs.workNs;
    this.workFootprint = env.spec.knobs.workFootprint;
  }

  step(): number {
    this.hooks.beforeStep?.();
    const { cpu, mm: ops, rec } = this.env;
    switch (this.phase) {
      case Phase.Alloc: {
        const t0 = cpu.now();
        const mm = ops.mmAlloc(cpu);
        rec.record(MM_ALLOC, cpu.now() - t0);
        if (mm === 0) return this.allocFailed();
        this.failures = 0;
        this.mm = mm;
        rec.tally.mmAllocs++;
        this.hooks.afterAlloc?.(mm);
        this.phase = Phase.Work;
        return 0;
      }
      case Phase.Work:
        cpu.touchPrivate(this.workFootprint);
        cpu.spend(this.workNs);
        this.phase = Phase.Run;
        return 0;
      case Phase.Run:
        this.run();
        this.phase = Phase.Exit;
        return 0;
      case Phase.Exit:
        this.exit();
        this.phase = Phase.Release;
        return 0;
      case Phase.Release:
        this.release();
        this.phase = Phase.Alloc;
        return 1;
    }
  }

  finish(): void {
    if (this.mm !== 0) {
      if (this.phase === Phase.Exit) this.exit();
      timedMmdrop(this.env, this.mm);
      this.mm = 0;
    }
    this.phase = Phase.Alloc;
    this.hooks.finish?.();
  }

  private run(): void {
    const { cpu, mm: ops, rec } = this.env;
    ops.mmCidGet(cpu, this.mm);
    for (let i = 0; i < TOUCHED.length; i++) {
      const n = cpu.randInt(MIN_PAGES, MAX_PAGES);
      this.pages[i] = n;
      ops.addMmCounter(cpu, this.mm, TOUCHED[i]!, n);
      rec.tally.rssMapped += n;
    }
    ops.mmCidPut(cpu, this.mm);
  }

  private exit(): void {
    const { cpu, mm: ops, rec } = this.env;
    for (let i = 0; i < TOUCHED.length; i++) {
      const n = this.pages[i]!;
      ops.addMmCounter(cpu, this.mm, TOUCHED[i]!, -n);
      rec.tally.rssUnmapped += n;
      this.pages[i] = 0;
    }
  }

  private release(): void {
    const mm = this.mm;
    this.mm = 0;
    if (this.hooks.handOff?.(mm) === true) return;
    timedMmdrop(this.env, mm);
  }

  private allocFailed(): number {
    const { cpu, rec } = this.env;
    rec.tally.allocFailures++;
    if (++this.failures >= MAX_ALLOC_RETRIES) {
      throw new KernelMemoryExhausted(`mm_alloc failed ${MAX_ALLOC_RETRIES} times in a row on CPU ${cpu.id}: kernel memory is exhausted; raise --memory`);
    }
    // The fork/exec returns -ENOMEM and the caller tries again: priced by the profile (allocRetryNs).
    cpu.cost('allocRetry', 1);
    return 0;
  }
}
