// The one CPU pool of the threads engine in this process. Every threads
// point of a run, a sweep, calibrate or validate runs on it, so its workers
// — and the model code V8 compiled in them — stay warm from one point to
// the next; each point still boots its own kernel, in a new
// SharedArrayBuffer, and the workers attach to it. The pool starts with as
// many workers as the host has cores (so the usual 1 … cores points share
// them) and grows for a larger point. A point that fails throws its workers
// away (machine/pool/cpu-pool.ts), and the next point starts fresh ones.
// Idle workers do not keep the process alive; closeThreadsPool() ends them
// at once.
import { availableParallelism } from 'node:os';
import { CpuPool } from '@percpu-lab/machine';

let pool: CpuPool | undefined;

export function threadsPool(): CpuPool {
  pool ??= new CpuPool({ minThreads: availableParallelism() });
  return pool;
}

/** Terminate the pool's workers; the next threads point starts a new pool. */
export async function closeThreadsPool(): Promise<void> {
  const p = pool;
  pool = undefined;
  await p?.destroy();
}
