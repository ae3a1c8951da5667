// @percpu-lab/lab: scenarios, workloads, the engines, metrics, reports and
// the result schema — what `percpu-lab run`/`bench` are made of, for
// scripts and the benchmark runner.
export * from './engine/engine.js';
export { getEngine, EngineUnavailable } from './engine/load.js';
export type { CpuProgram } from './engine/program.js';
export { threadsEngine } from './engine/threads/index.js';
export { threadsPool, closeThreadsPool } from './engine/threads/pool.js';
export { bootPoint, attachPoint, PointBootError, type Attached } from './boot.js';
export * from './scenario/schema.js';
export * from './scenario/errors.js';
export { parseScenario, type ParseContext } from './scenario/validate.js';
export { loadScenario, readScenarioFile } from './scenario/load.js';
export { SCENARIO_FLAG_OPTIONS, scenarioFromFlags, scenarioFlagHelp } from './scenario/flags.js';
export { expandPoints, pointBase, pointName } from './scenario/points.js';
export { runScenario, type RunHooks } from './scenario/run.js';
export { BENCH_CASES } from './scenario/default.js';
export {
  runBench, benchCpus, acceptanceLines, roundSpeedups, SELF_CHECK_HEADING, type BenchOptions, type BenchOutcome,
} from './scenario/bench.js';
export { benchCpuCounts, benchPlan } from './scenario/bench-plan.js';
export type { Workload, WorkloadEnv } from './workloads/types.js';
export { getWorkload } from './workloads/registry.js';
export { instantiate, type CpuRun } from './workloads/instantiate.js';
export { deriveWorkNs } from './workloads/work-ns.js';
export { bootSnapshot, collectPoint, type BootSnapshot, type RunOutcome } from './metrics/collect.js';
export { pointResult } from './metrics/point.js';
export * from './results/schema.js';
export { buildResult } from './results/build.js';
export { writeResult, defaultOutDir, RESULT_FILE } from './results/write.js';
export { renderRun, type Detail } from './report/render.js';
export { textTable, MAX_TABLE_WIDTH, type Cell, type Column } from './report/table.js';
export { wrap } from './report/wrap.js';
export { median, spreadOf, type Spread } from './stats/median.js';
export { autoTime, bytes, figure, percent, si, signedPercent } from './report/units.js';
