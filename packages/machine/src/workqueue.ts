// Deferred work (kernel/workqueue.c, reduced to what percpu and slab need):
// a work item is a pending bit in kernel memory plus a function that every
// CPU binds under the same name. schedule_work() sets the bit; a CPU that
// reaches a scheduling point (the engine calls runPendingWork between
// workload steps) claims the bit and runs the function there, as a kworker
// would on that CPU. The caller that scheduled it never runs it inline.
// Left out: per-CPU pools, delayed work, flush ordering.
import { BootError } from './errors.js';
import type { Cpu, Kernel } from './kernel.js';
import { struct, CACHE_LINE } from './struct.js';

/** One bit each in the pending word. */
const MAX_WORKS = 31;

const WorkTable = struct('workqueue', {
  pending: 'i32',
  nrWorks: 'i32',
  pad: { bytes: CACHE_LINE - 8 },
});

export type WorkFn = (cpu: Cpu) => void;

export function workqueueInit(kernel: Kernel): void {
  kernel.defineSymbol('workqueue', kernel.memblockAlloc(WorkTable.size, CACHE_LINE));
}

/** Boot: DECLARE_WORK — give a named work item its bit. */
export function declareWork(kernel: Kernel, name: string): void {
  const wq = kernel.symbol('workqueue');
  const id = WorkTable.nrWorks.get(kernel.mem, wq);
  if (id >= MAX_WORKS) throw new BootError(`too many work items declaring ${name}`);
  WorkTable.nrWorks.set(kernel.mem, wq, id + 1);
  kernel.defineSymbol(`work:${name}`, id);
}

/** The functions behind work items, per attached kernel (code, not state). */
const handlers = new WeakMap<Kernel, (WorkFn | undefined)[]>();

/** INIT_WORK on this CPU's view of the kernel; returns the item's id. */
export function initWork(kernel: Kernel, name: string, fn: WorkFn): number {
  const id = kernel.symbol(`work:${name}`);
  let fns = handlers.get(kernel);
  if (fns === undefined) handlers.set(kernel, (fns = []));
  fns[id] = fn;
  return id;
}

function pendingIndex(kernel: Kernel): number {
  return WorkTable.pending.index(kernel.symbol('workqueue'));
}

/** schedule_work(): mark pending; false if it already was. */
export function scheduleWork(kernel: Kernel, id: number): boolean {
  return (Atomics.or(kernel.mem.i32, pendingIndex(kernel), 1 << id) & (1 << id)) === 0;
}

export function workPending(kernel: Kernel, id: number): boolean {
  return (Atomics.load(kernel.mem.i32, pendingIndex(kernel)) & (1 << id)) !== 0;
}

/** A scheduling point: claim and run pending work items; returns how many ran. */
export function runPendingWork(cpu: Cpu, pendingIdx = pendingIndex(cpu.kernel)): number {
  const i32 = cpu.kernel.mem.i32;
  let w = Atomics.load(i32, pendingIdx);
  if (w === 0) return 0;
  const fns = handlers.get(cpu.kernel) ?? [];
  let ran = 0;
  for (let id = 0; w !== 0; id++, w >>>= 1) {
    if ((w & 1) === 0) continue;
    const fn = fns[id];
    if (fn === undefined) continue;
    if ((Atomics.and(i32, pendingIdx, ~(1 << id)) & (1 << id)) === 0) continue;
    fn(cpu);
    ran++;
  }
  return ran;
}

/** The pending word's index, for engines that poll it between steps. */
export { pendingIndex as workqueuePendingIndex };
