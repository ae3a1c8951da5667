// The sweep's point runner on the real engines: each point is an ordinary
// `percpu-lab run` scenario (validated by the run's own rules, run by the
// run's own runScenario), so a sweep point and a run of the same flags are
// the same measurement.
//
// With more than one job, virtual-engine points run on a pool of worker
// threads (point-worker.ts), so a sweep uses every host core. A virtual
// point is one deterministic single-threaded computation: where it runs
// changes nothing in its result. Worker threads rather than child
// processes: a worker starts in tens of milliseconds, loads the lab once and
// then serves many points, and its result comes back by structured clone
// with no protocol of our own; a process per point would buy only a
// separate heap, which a computation that touches no shared state does not
// need. Threads-engine points always run here, one at a time: their CPUs
// need the host's cores to themselves.
import { Piscina } from 'piscina';
import type { RunResult } from '../results/schema.js';
import { ScenarioError } from '../scenario/errors.js';
import type { StrategySource } from '../strategies/file.js';
import { runPointScenario } from './point-scenario.js';
import type { PointOutcome, PointTask } from './point-worker.js';
import { runsAlongside, type PointRunner } from './run.js';

const POINT_WORKER = new URL('./point-worker.js', import.meta.url);

/** An error thrown in a point worker, raised again here with the worker's name, message and stack. */
function raised(o: Extract<PointOutcome, { ok: false }>): Error {
  if (o.lines !== null) return new ScenarioError(o.lines);
  const e = new Error(o.message);
  e.name = o.name;
  e.stack = o.stack;
  return e;
}

export interface EngineRunner {
  run: PointRunner;
  /** Stop the worker threads, if any were started. */
  close(): Promise<void>;
}

/**
 * Points that may run alongside others go to a pool of `jobs` worker threads
 * (started on first use); the rest run here. `strategyFiles` are the sweep's
 * strategies loaded by path: a worker registers them (and checks their
 * hashes) before it runs a point, as the main thread did.
 */
export function engineRunner(opts: { jobs: number; strategyFiles?: readonly StrategySource[] }): EngineRunner {
  let pool: Piscina | undefined;
  const files = opts.strategyFiles ?? [];
  const pooled = async (input: Record<string, unknown>): Promise<RunResult> => {
    pool ??= new Piscina({ filename: POINT_WORKER.href, minThreads: 1, maxThreads: opts.jobs, idleTimeout: Infinity });
    const o = (await pool.run({ input, files } satisfies PointTask)) as PointOutcome;
    if (!o.ok) throw raised(o);
    return o.result;
  };
  return {
    run: (point, input) => (opts.jobs > 1 && runsAlongside(point) ? pooled(input) : runPointScenario(input)),
    close: async () => {
      await pool?.destroy();
    },
  };
}
