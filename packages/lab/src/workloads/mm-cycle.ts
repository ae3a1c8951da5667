// The mm life cycle every process-churn benchmark goes through, as one CPU
// program in short steps (the virtual engine interleaves CPUs only between
// steps):
//
//   alloc    mm_alloc() — execve allocates a fresh mm_struct   [timed: mmAlloc]
//   load     the exec path up to the point of no return: __bprm_mm_init,
//            the open, creds, sched_exec, the ELF headers, copy_strings
//   map      begin_new_exec and the rest of load_elf_binary: exec_mmap,
//            the stack moved, every PT_LOAD mapped, the vDSO
//   work     what the user adds (--work-ns of computation, --work-footprint
//            bytes of its own memory written)
//   run      the task runs: the new image's start-up and page faults
//            (counted in the rss counters), mm_cid get/put on this CPU
//   exit     exit_mmap: LRU drain, zap (the counts taken back, so
//            check_mm finds zero), folios freed, page tables, VMAs
//   release  the last reference goes: mmdrop() here, or (spawn-remote) the
//            mm is handed to the parent on another CPU  [timed: mmdrop]
//
// The exec path is mm/src/exec's model of the kernel's, for the binary the
// scenario names (--binary static|dynamic); with --binary none only the mm's
// own path runs, and run/exit update the rss counters with page counts drawn
// at random, standing in for the faults.
//
// The benchmarks differ only in what happens right after alloc (threads: a
// second thread may appear) and in release (local or remote), so those two
// are hooks of this one program. One operation = one mm lifetime.
//
// What the work phase is. A pure ALU loop leaves every cache warm, so the
// allocators that follow it run hot; exec does not: it zeroes and copies
// pages and runs code, which pushes the allocators' lines out, so in the
// kernel they run partly cold. With an exec model the pages it zeroes and
// copies do that; --work-footprint adds memory of the process's own, which
// both engines write the same way — real threads write a private buffer and
// pay what the host pays; the virtual engine charges the bytes as streamed
// (zeroByteNs) and lets them age this CPU's cached lines (capacity eviction,
// engine/virtual/context.ts), so the allocators pay LLC or DRAM reloads.
import { CACHE_LINE } from '@percpu-lab/machine';
import { Exec, MM_ANONPAGES, MM_FILEPAGES } from '@percpu-lab/mm';
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

const enum Phase { Alloc, Load, Map, Work, Run, Exit, Release }

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
  /** The exec path around the mm, or null (--binary none). */
  private readonly exec: Exec | null;

  constructor(
    private readonly env: WorkloadEnv,
    private readonly hooks: MmCycleHooks = {},
  ) {
    this.workNs = env.spec.knobs.workNs;
    this.workFootprint = env.spec.knobs.workFootprint;
    const binary = env.spec.knobs.binary;
    this.exec = binary === null ? null : new Exec(env.kernel, env.cpu, env.mm, binary);
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
        this.mm = mm;
        rec.tally.mmAllocs++;
        this.hooks.afterAlloc?.(mm);
        this.phase = this.exec === null ? Phase.Work : Phase.Load;
        return 0;
      }
      case Phase.Load:
        if (!this.exec!.bprmMmInit(this.mm) || !this.exec!.execLoad(this.mm)) return this.execFailed();
        this.phase = Phase.Map;
        return 0;
      case Phase.Map:
        if (!this.exec!.execMap(this.mm)) return this.execFailed();
        this.phase = Phase.Work;
        return 0;
      case Phase.Work:
        if (this.workFootprint > 0) {
          cpu.cost('footprintByte', Math.ceil(this.workFootprint / CACHE_LINE) * CACHE_LINE);
          cpu.touchPrivate(this.workFootprint);
        }
        cpu.spend(this.workNs);
        this.phase = Phase.Run;
        return 0;
      case Phase.Run:
        if (!this.run()) return this.execFailed();
        this.failures = 0;
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
      if (this.phase !== Phase.Release) this.exit();
      timedMmdrop(this.env, this.mm);
      this.mm = 0;
    }
    this.phase = Phase.Alloc;
    this.hooks.finish?.();
  }

  /** The task runs: its image's start-up and faults (or random rss updates without an exec model), mm_cid get/put; false when memory ran out. */
  private run(): boolean {
    const { cpu, mm: ops, rec } = this.env;
    if (this.exec !== null && !this.exec.runImage(this.mm)) return false;
    ops.mmCidGet(cpu, this.mm);
    if (this.exec === null) {
      for (let i = 0; i < TOUCHED.length; i++) {
        const n = cpu.randInt(MIN_PAGES, MAX_PAGES);
        this.pages[i] = n;
        ops.addMmCounter(cpu, this.mm, TOUCHED[i]!, n);
      }
    }
    ops.mmCidPut(cpu, this.mm);
    rec.tally.rssMapped += this.rssPages();
    return true;
  }

  /** exit_mmap: everything the mm maps taken back, so check_mm finds zero. */
  private exit(): void {
    const { cpu, mm: ops, rec } = this.env;
    rec.tally.rssUnmapped += this.rssPages();
    if (this.exec !== null) this.exec.exitMmap(this.mm);
    else {
      for (let i = 0; i < TOUCHED.length; i++) {
        ops.addMmCounter(cpu, this.mm, TOUCHED[i]!, -this.pages[i]!);
        this.pages[i] = 0;
      }
    }
  }

  /** Pages the mm's rss counters hold now (kept by the program, so counting costs the model nothing). */
  private rssPages(): number {
    return this.exec !== null ? this.exec.rssPages : this.pages.reduce((a, b) => a + b, 0);
  }

  private release(): void {
    const mm = this.mm;
    this.mm = 0;
    if (this.hooks.handOff?.(mm) === true) return;
    timedMmdrop(this.env, mm);
  }

  /** execve failed for memory: what the new mm holds is torn down and dropped, and the program tries again. */
  private execFailed(): number {
    this.exec!.exitMmap(this.mm);
    timedMmdrop(this.env, this.mm);
    this.mm = 0;
    this.phase = Phase.Alloc;
    return this.allocFailed();
  }

  private allocFailed(): number {
    const { cpu, rec } = this.env;
    rec.tally.allocFailures++;
    if (++this.failures >= MAX_ALLOC_RETRIES) {
      throw new KernelMemoryExhausted(`mm_alloc failed ${MAX_ALLOC_RETRIES} times in a row on CPU ${cpu.id}: kernel memory is exhausted; raise --memory`);
    }
    // The execve returns -ENOMEM and the program calls it again: a system call's way out and in.
    cpu.cost('syscall', 1);
    return 0;
  }
}
