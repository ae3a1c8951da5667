// Every error the CPU pool can end a run with. Each carries what the CPUs
// that did finish returned, so an engine can still report a partial run.
import { MachineError } from '../errors.js';
import type { LockWait } from './diagnose.js';

export class PoolError extends MachineError {
  override name = 'PoolError';
  /** Results of the CPUs that returned before the run ended, indexed by CPU. */
  results: unknown[] = [];
}

/** The compiled worker entry is missing: the workspace was not built. */
export class WorkerEntryMissing extends PoolError {
  override name = 'WorkerEntryMissing';
}

/** Not every CPU reached the start barrier in time (worker start failed or too slow). */
export class StartTimeout extends PoolError {
  override name = 'StartTimeout';
}

/** A CPU's job threw, or its worker died. */
export class CpuCrashed extends PoolError {
  override name = 'CpuCrashed';
  constructor(
    readonly cpu: number,
    /** The job's own error name and message ("worker exited with code 3" for process.exit). */
    readonly reason: string,
    /** Locks other CPUs were waiting for when the crash was seen. */
    readonly waits: LockWait[],
    message: string,
  ) {
    super(message);
  }
}

/** No CPU made progress for watchdogMs; `waits` says who waited for what. */
export class WatchdogTimeout extends PoolError {
  override name = 'WatchdogTimeout';
  constructor(
    readonly waits: LockWait[],
    message: string,
  ) {
    super(message);
  }
}

/**
 * A proven deadlock: a lock that CPUs wait for is held by a CPU that will
 * never release it (it finished or died), or every running CPU waits.
 */
export class Deadlock extends WatchdogTimeout {
  override name = 'Deadlock';
}
