// One emulated CPU: the entry of every worker thread in the CPU pool
// (packages/machine/src/pool). Each task attaches to its run's kernel
// memory, becomes CPU k with real Atomics locks, loads the job, waits at the
// start barrier so all CPUs begin together, runs the job's cpuMain once and
// hands back its result. The worker outlives the task: the pool sends the
// next run's task, with a new kernel, to the same thread, whose module cache
// and compiled code carry over; nothing of the old kernel does (every
// object bound to it is made here, per task). The thread's binding to a
// host core carries over too, and changes only when a task asks for
// another core (machine/pool/affinity.ts).
//
// A job that throws does not take the worker down: the CPU is marked dead
// (locks it held stay held, as after an oops) and the error goes back as
// data, so the pool can name the CPU and the cause.
import { threadId } from 'node:worker_threads';
import {
  allowedCores,
  atomicsLockOps,
  bindThisThread,
  barrierWait,
  CpuArea,
  cpuAreaAddr,
  CpuState,
  Kernel,
  MachineError,
  RealCpu,
  toCpuFailure,
  type CpuContext,
  type CpuJobModule,
  type CpuOutcome,
  type CpuTask,
} from '@percpu-lab/machine';

/** The job module does not export a cpuMain function. */
class JobModuleInvalid extends MachineError {
  override name = 'JobModuleInvalid';
}

async function loadJob(url: string): Promise<CpuJobModule<unknown, unknown>> {
  const mod = (await import(url)) as Partial<CpuJobModule<unknown, unknown>>;
  if (typeof mod.cpuMain !== 'function') throw new JobModuleInvalid(`${url} must export a function cpuMain(ctx)`);
  return mod as CpuJobModule<unknown, unknown>;
}

/** The process's cores, read before this thread binds itself: binding to all of them unbinds it. */
const ALLOWED = allowedCores();
let boundTo: number | null = null;
let bindingWorks = true;

/** Bind this thread to `core` (null: every allowed core); the core it is bound to afterwards. */
function bindTo(core: number | null): number | null {
  if (core !== boundTo && bindingWorks) {
    if (bindThisThread(core === null ? ALLOWED : [core])) boundTo = core;
    else bindingWorks = false;
  }
  return boundTo;
}

export default async function cpuTask(task: CpuTask<unknown>): Promise<CpuOutcome<unknown>> {
  const core = bindTo(task.core);
  const kernel = Kernel.attach(task.sab);
  kernel.setLockOps(atomicsLockOps);
  const cpu = new RealCpu(kernel, task.cpu, task.seed, task.nsPerIter);
  const i32 = kernel.mem.i32;
  const progressIdx = CpuArea.progress.index(cpuAreaAddr(kernel, task.cpu));
  const ctx: CpuContext<unknown> = {
    kernel,
    cpu,
    args: task.args,
    cpus: task.cpus,
    shouldStop: () => kernel.stopRequested() !== 0,
    // Only this CPU writes its counter; the supervisor reads it atomically.
    progress: () => {
      i32[progressIdx] = (i32[progressIdx]! + 1) | 0;
    },
  };
  try {
    // Load before the barrier so module loading does not skew the start.
    const job = await loadJob(task.module);
    await job.cpuPrepare?.(task.args);
    cpu.online();
    barrierWait(kernel, task.cpu);
    const result = await job.cpuMain(ctx);
    cpu.offline();
    return { ok: true, result, threadId, core };
  } catch (e) {
    cpu.offline(CpuState.Dead);
    return { ok: false, error: toCpuFailure(e), threadId, core };
  }
}
