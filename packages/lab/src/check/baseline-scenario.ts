// The regression gate's scenario: doexec on the virtual engine with the
// kernel cost profile — deterministic, so the committed baseline is exact
// and CI can compare with tight tolerances — small enough to run in seconds,
// and wide enough (every strategy, 1 to 64 CPUs) that a change to any
// modelled path or to the scaling of any remedy moves a metric.

/** Where the committed baseline lives, relative to the repository root. */
export const BASELINE_FILE = 'baselines/virtual-doexec.json';

export const BASELINE_SCENARIO = {
  workload: 'doexec',
  engine: 'virtual',
  strategies: ['all'],
  cpus: [1, 4, 16, 64],
  ops: 200,
  warmup: 20,
  seed: 1,
  profile: 'kernel',
} as const;
