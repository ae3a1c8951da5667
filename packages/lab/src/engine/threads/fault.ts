// Fault injection for the threads engine, in the spirit of the kernel's
// fault-injection framework: make one CPU fail on purpose so the failure
// paths (crash report, watchdog diagnosis, partial results) can be tested
// against real workers. Set only from a scenario file's faultInject field.
//   crash               the CPU throws after `afterOps` measured operations
//   hang-holding-lock   the CPU takes pcpu_alloc_mutex and stops making
//                       progress until the run is stopped (a stuck holder)
import type { CpuContext } from '@percpu-lab/machine';
import type { FaultInject } from '../../scenario/schema.js';

export class FaultInjected extends Error {
  override name = 'FaultInjected';
}

/** The lock the hang fault holds: the one every strategy's slow path needs. */
const HANG_LOCK = 'pcpu_alloc_mutex';
/** Work between stop checks while hanging (no progress is reported). */
const HANG_SLICE_NS = 100_000;

/** True when the fault fired and this CPU must stop (hang), throws for a crash. */
export function maybeInjectFault(ctx: CpuContext<unknown>, fault: FaultInject | null, ops: number): boolean {
  if (fault === null || fault.cpu !== ctx.cpu.id || ops < fault.afterOps) return false;
  if (fault.mode === 'crash') throw new FaultInjected(`injected crash on CPU ${ctx.cpu.id} after ${ops} operations`);
  const lock = ctx.kernel.lock(HANG_LOCK);
  lock.lock(ctx.cpu);
  while (!ctx.shouldStop()) ctx.cpu.spend(HANG_SLICE_NS);
  lock.unlock(ctx.cpu);
  return true;
}
