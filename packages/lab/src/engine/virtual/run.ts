// The virtual engine's scheduler: N emulated CPUs in one thread. The CPU
// whose virtual clock is smallest (ties: lowest id) runs its program's next
// step(); before each step it passes a scheduling point, where it runs any
// pending deferred work as a kworker on that CPU would. A CPU leaves the run
// when it reaches its op quota or its clock passes the deadline.
//
// Deferred work is run only by a CPU whose clock has passed the end of the
// step that scheduled it, so no work runs before it was asked for.
//
// Phases: a start barrier aligns every clock (boot may have used CPU 0), an
// optional warm-up of `warmupOps` per CPU runs and is then forgotten (clocks
// aligned again, lock statistics and op counters reset), then the measured
// window runs. Results are read before the programs' finish(), which runs
// after an end barrier so the allocators can be verified.
import {
  CpuArea, cpuAreaAddr, CpuState, readLockStats, resetLockStats, runPendingWork, workqueuePendingIndex,
  type Kernel, type LockClassStats,
} from '@percpu-lab/machine';
import type { CpuProgram } from '../program.js';
import { CpuHeap } from './cpu-heap.js';
import { VirtualContext, type ContextOptions, type Topology } from './context.js';
import { PART_OTHER, type CostProfile } from '../../cost-model/index.js';
import { VirtualConfigError, VirtualRunError } from './errors.js';
import { VirtualCpu } from './virtual-cpu.js';
import { virtualLockOps } from './virtual-lock.js';

/** Steps in a row that neither complete an op nor advance a clock before a run is declared stuck. */
const MAX_IDLE_STEPS = 100_000;

/** How the kernel's possible CPUs are grouped into sockets and cores (one socket, no SMT by default). */
export type MachineShape = Partial<Pick<Topology, 'sockets' | 'threadsPerCore'>>;

/**
 * Make `nrCpus` virtual CPUs (ids 0..nrCpus-1, at most the kernel's possible
 * CPUs) and switch the kernel's locks to virtual time. Call it before any
 * subsystem object caches lock objects (PageAllocator, Percpu, …).
 */
export function createVirtualCpus(
  kernel: Kernel, nrCpus: number, profile: CostProfile, topology: MachineShape = {}, seed = 1, opts: ContextOptions = {},
): VirtualCpu[] {
  if (!Number.isInteger(nrCpus) || nrCpus < 1 || nrCpus > kernel.nrCpus) {
    throw new VirtualConfigError(`cannot run ${nrCpus} CPUs on a kernel booted with ${kernel.nrCpus} possible CPUs: boot with nrCpus >= the CPUs to run`);
  }
  const ctx = new VirtualContext(profile, kernel.mem.u8.length, {
    machineCpus: kernel.nrCpus,
    sockets: topology.sockets ?? 1,
    threadsPerCore: topology.threadsPerCore ?? 1,
  }, nrCpus, opts);
  kernel.setLockOps(virtualLockOps(ctx));
  const cpus: VirtualCpu[] = [];
  for (let id = 0; id < nrCpus; id++) {
    cpus.push(new VirtualCpu(kernel, id, ctx, seed));
    CpuArea.state.set(kernel.mem, cpuAreaAddr(kernel, id), CpuState.Running);
  }
  return cpus;
}

export interface VirtualRunOptions {
  kernel: Kernel;
  cpus: readonly VirtualCpu[];
  /** programs[i] runs on cpus[i]. */
  programs: readonly CpuProgram[];
  /** Measured ops per CPU; with durationNs, whichever comes first. */
  opsPerCpu?: number;
  /** Measured virtual time per CPU (ns): a CPU stops at its first scheduling point past it. */
  durationNs?: number;
  /** Ops per CPU run and discarded before the measured window. */
  warmupOps?: number;
  /** Called at the end of the warm-up, after lock statistics were reset (e.g. to reset latency histograms). */
  onWarmupEnd?: () => void;
  /** Called when every CPU has stopped, before the programs' finish() (e.g. to read what caches hold and the time splits). */
  onWindowEnd?: () => void;
  /** Called on each CPU right after its program's finish(), before its pending work runs (e.g. to drain caches). */
  onFinish?: (cpu: VirtualCpu) => void;
}

export interface VirtualCpuResult {
  cpu: number;
  /** Ops completed in the measured window. */
  ops: number;
  /** Virtual time this CPU spent in the measured window (ns). */
  clockNs: number;
}

export interface VirtualRunResult {
  perCpu: VirtualCpuResult[];
  totalOps: number;
  /** The measured window: from the start barrier to the last CPU's stop (ns). */
  elapsedNs: number;
  /** totalOps per virtual second of the window. */
  opsPerSec: number;
  /** Virtual time at the start barrier (after warm-up). */
  startNs: number;
  /** Program steps run in the measured window. */
  steps: number;
  /** lock_stat of the measured window, read before finish(). */
  locks: LockClassStats[];
}

class Scheduler {
  private readonly heap: CpuHeap;
  private readonly pendingIdx: number;
  readonly ops: Float64Array;
  steps = 0;
  /**
   * Virtual time by which the pending deferred work was scheduled (the end of
   * the step that scheduled it). Only a CPU whose clock has reached it may
   * run the work: a CPU behind in virtual time cannot see work scheduled in
   * its future.
   */
  private pendingSince = 0;
  private readonly stepNs: number;

  constructor(
    private readonly kernel: Kernel,
    private readonly cpus: readonly VirtualCpu[],
    private readonly programs: readonly CpuProgram[],
  ) {
    this.heap = new CpuHeap(cpus);
    this.pendingIdx = workqueuePendingIndex(kernel);
    this.ops = new Float64Array(cpus.length);
    this.stepNs = cpus[0]!.ctx.profile.stepNs;
  }

  /** Run every CPU until it has `quota` ops or its clock reaches `deadline`. */
  run(quota: number, deadline: number): void {
    const { heap, cpus, programs, ops } = this;
    const ctx = cpus[0]!.ctx;
    const i32 = this.kernel.mem.i32;
    for (let id = 0; id < cpus.length; id++) if (ops[id]! < quota) heap.push(id);
    let idle = 0;
    let id = -1;
    try {
      while (heap.size > 0) {
        id = heap.top();
        const cpu = cpus[id]!;
        const before = cpu.clock;
        if (before >= deadline) {
          heap.pop();
          continue;
        }
        ctx.horizon = before;
        cpu.charge(PART_OTHER, this.stepNs);
        if (i32[this.pendingIdx] !== 0 && before >= this.pendingSince) {
          runPendingWork(cpu, this.pendingIdx);
          if (i32[this.pendingIdx] !== 0) this.pendingSince = cpu.clock;
        }
        const wasPending = i32[this.pendingIdx] !== 0;
        const n = programs[id]!.step();
        if (!wasPending && i32[this.pendingIdx] !== 0) this.pendingSince = cpu.clock;
        this.steps++;
        if (n === 0 && cpu.clock === before) {
          if (++idle > MAX_IDLE_STEPS) throw new VirtualRunError(`CPU ${id}'s program ran ${MAX_IDLE_STEPS} steps that neither completed an op nor took any time: it cannot finish`);
        } else idle = 0;
        if ((ops[id] = ops[id]! + n) >= quota) heap.pop();
        else heap.update();
      }
    } catch (e) {
      if (e instanceof VirtualRunError) throw e;
      const at = id >= 0 ? cpus[id]!.clock : 0;
      throw new VirtualRunError(`CPU ${id} failed at virtual time ${at.toFixed(0)} ns: ${(e as Error).message}`, { cause: e });
    }
  }

  /** A barrier: every clock moves up to the latest one. Returns that time. */
  align(): number {
    let t = 0;
    for (const c of this.cpus) t = Math.max(t, c.clock);
    for (const c of this.cpus) c.clock = t;
    this.cpus[0]!.ctx.horizon = t;
    return t;
  }

  /** Start a measured phase: aligned clocks, empty time splits. */
  startWindow(): number {
    const t = this.align();
    for (const c of this.cpus) c.split.reset();
    return t;
  }
}

function checkCount(name: string, v: number | undefined, min: number): void {
  if (v !== undefined && !(Number.isFinite(v) && v >= min)) {
    throw new VirtualConfigError(`${name} must be a number >= ${min}, got ${v}`);
  }
}

/** Run `programs` on virtual CPUs; see the file header for the phases. */
export function runVirtual(opts: VirtualRunOptions): VirtualRunResult {
  const { kernel, cpus, programs } = opts;
  if (cpus.length === 0 || programs.length !== cpus.length) {
    throw new VirtualConfigError(`need one program per CPU: got ${programs.length} programs for ${cpus.length} CPUs`);
  }
  if (opts.opsPerCpu === undefined && opts.durationNs === undefined) {
    throw new VirtualConfigError('a virtual run needs opsPerCpu or durationNs (or both) to know when to stop');
  }
  checkCount('opsPerCpu', opts.opsPerCpu, 1);
  checkCount('durationNs', opts.durationNs, 0);
  checkCount('warmupOps', opts.warmupOps, 0);
  const sched = new Scheduler(kernel, cpus, programs);
  let start = sched.startWindow();
  const warmup = opts.warmupOps ?? 0;
  if (warmup > 0) {
    sched.run(warmup, Infinity);
    start = sched.startWindow();
    sched.ops.fill(0);
    sched.steps = 0;
    resetLockStats(kernel);
    opts.onWarmupEnd?.();
  }
  sched.run(opts.opsPerCpu ?? Infinity, start + (opts.durationNs ?? Infinity));
  const perCpu = cpus.map((c, i) => ({ cpu: c.id, ops: sched.ops[i]!, clockNs: c.clock - start }));
  const totalOps = perCpu.reduce((s, c) => s + c.ops, 0);
  const elapsedNs = perCpu.reduce((m, c) => Math.max(m, c.clockNs), 0);
  const result: VirtualRunResult = {
    perCpu,
    totalOps,
    elapsedNs,
    opsPerSec: elapsedNs > 0 ? (totalOps * 1e9) / elapsedNs : 0,
    startNs: start,
    steps: sched.steps,
    locks: readLockStats(kernel),
  };
  opts.onWindowEnd?.();
  sched.align();
  const pendingIdx = workqueuePendingIndex(kernel);
  for (let i = 0; i < cpus.length; i++) {
    programs[i]!.finish();
    opts.onFinish?.(cpus[i]!);
    runPendingWork(cpus[i]!, pendingIdx);
  }
  return result;
}
