// What a scenario is: the CPU counts of a scaling run, the strategies to
// compare, one workload with its knobs, how long each point runs, and the
// machine it runs on. It comes from flags or a JSON/YAML file; both go
// through this one schema, so a field is validated the same way whatever
// its source. Every field is declared once with the flag that sets it and a
// sentence saying what it expects — that sentence is the error message.
import { BINARY_KINDS } from '@percpu-lab/mm';
import { z } from 'zod';

export const WORKLOAD_NAMES = ['doexec', 'spawn-remote', 'threads', 'replay-sizes'] as const;
export type WorkloadName = (typeof WORKLOAD_NAMES)[number];
export const ENGINE_NAMES = ['threads', 'virtual'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** Workloads built around the mm life cycle, which take --work-ns. */
export const MM_CYCLE_WORKLOADS: readonly WorkloadName[] = ['doexec', 'spawn-remote', 'threads'];

/** The threads engine runs one worker per CPU; more than this is a job for the virtual engine. */
export const MAX_THREADS_CPUS = 64;
export const MAX_CPUS = 1024;

export const DEFAULT_OPS = 10_000;
export const DEFAULT_WARMUP = 3_000;
export const DEFAULT_WATCHDOG_S = 5;
export const DEFAULT_THREAD_PROB = 0.5;

/**
 * Bytes of its own memory the work phase of an mm cycle writes: what exec of
 * a small binary makes the CPU touch besides the kernel's allocators.
 * Measured on Debian 12 (kernel 6.18, glibc 2.36) with `/bin/true` stopped at
 * exit_group (`gdb -batch -ex 'catch syscall exit_group' -ex run -ex 'info
 * proc status' /bin/true`) and `perf stat -e page-faults /bin/true`:
 * RssAnon 96 KiB, RssFile 1168 KiB, VmPTE 32 KiB, 49 page faults
 * (`/usr/bin/time -f %M /bin/true` reports ~950 KiB max RSS). RSS counts
 * pages mapped, not bytes touched, so from it:
 *   - anonymous pages (stack, heap, .data/.bss copies) are zeroed or copied
 *     whole by the kernel on their first fault: 96 KiB written;
 *   - page-table pages are allocated zeroed: 32 KiB written;
 *   - file pages are mapped by fault-around, 16 pages per fault, without
 *     being touched; the faults left after the 24 anonymous ones, 25, are
 *     the file pages actually read — at most 25 × 4 KiB = 100 KiB (an upper
 *     bound: code pages are read a few lines at a time).
 * 96 + 32 + 100 = 228 KiB. The kernel's own exec work (argument copy, ELF
 * headers) adds a few lines and is left out.
 */
/**
 * Without an exec model (--binary none) the work phase stands in for exec's
 * memory work: what exec of a small binary makes the CPU write (README).
 * With one, the model writes those pages itself, so the default is 0.
 */
export const DEFAULT_WORK_FOOTPRINT = '228KiB';
/** What --binary takes: a binary of mm/src/exec, or none. */
export const BINARY_CHOICES = [...BINARY_KINDS, 'none'] as const;
export type BinaryChoice = (typeof BINARY_CHOICES)[number];
export const DEFAULT_BINARY: BinaryChoice = 'static';
/** Largest work footprint: a GiB per CPU is far beyond any cache. */
export const MAX_WORK_FOOTPRINT = 2 ** 30;

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);

const geometryNumbers = z.strictObject({
  unitSize: int(4096),
  staticSize: int(0),
  reservedSize: int(0),
  dynSize: int(4096),
});

const faultInject = z.strictObject({
  cpu: int(0, MAX_CPUS - 1),
  afterOps: int(0),
  mode: z.enum(['crash', 'hang-holding-lock']),
});

interface FieldDef<S extends z.ZodType = z.ZodType> {
  schema: S;
  /** What the field expects, phrased to follow "expected". */
  expect: string;
  /** The run flag that sets it. */
  flag: string;
  /** What it means, for --help. */
  help: string;
}

function field<S extends z.ZodType>(schema: S, expect: string, flag: string, help: string): FieldDef<S> {
  return { schema, expect, flag, help };
}

/** Every scenario field: its schema, its expectation and its flag. */
export const FIELDS = {
  workload: field(z.enum(WORKLOAD_NAMES), `one of ${WORKLOAD_NAMES.join(', ')}`, '--workload', 'benchmark to emulate (default doexec)'),
  strategies: field(z.array(z.string().min(1)).min(1), 'a non-empty list of strategy names or files', '--strategy', 'comma list of mm strategies or strategy files (./remedy.js), or all (default all)'),
  cpus: field(z.array(int(1, MAX_CPUS)).min(1), `a non-empty list of CPU counts, each an integer in 1..${MAX_CPUS}`, '--cpus', 'comma list of CPU counts, one point each (default 1)'),
  engine: field(z.enum(ENGINE_NAMES), `one of ${ENGINE_NAMES.join(', ')}`, '--engine', 'threads (real workers) or virtual (virtual time); default threads'),
  ops: field(int(1), 'a positive integer (measured operations per CPU)', '--ops', `measured operations per CPU (default ${DEFAULT_OPS} unless --duration)`),
  duration: field(z.number().positive().max(3600), 'a number of seconds in (0, 3600]', '--duration', 'seconds per point; with --ops, whichever ends first'),
  warmup: field(int(0), 'a non-negative integer (warm-up operations per CPU)', '--warmup', `operations per CPU before measuring (default ${DEFAULT_WARMUP}); threads engine: the minimum, then until steady; 0 = none`),
  seed: field(int(0, 2 ** 31 - 1), 'an integer in 0..2147483647', '--seed', 'seed of every CPU\'s random stream (default 1)'),
  repeats: field(
    int(1, 100),
    'an integer in 1..100',
    '--repeats',
    'runs of every point, round by round (each strategy at each CPU count once, then the next round; repeat r has seed + r); threads figures get 95 % intervals from 6 (default 1)',
  ),
  memory: field(z.string().regex(/^\d+(\.\d+)?\s*(KiB|MiB|GiB)$/), 'a size such as 256MiB or 1GiB', '--memory', 'kernel memory size (default 256MiB)'),
  geometry: field(
    z.union([z.string().min(1), geometryNumbers]),
    'a percpu boot line ("percpu: Embedded 66 pages/cpu s233472 r8192 d28672 u1048576") or {unitSize, staticSize, reservedSize, dynSize} in bytes',
    '--geometry',
    'percpu first-chunk geometry (default: the 6.12 boot line of the percpu package)',
  ),
  workNs: field(int(0, 10_000_000_000), 'a non-negative integer number of nanoseconds', '--work-ns', 'computation per cycle besides the exec path; default: 0 on the virtual engine with an exec model (it is priced), else derived (4 % rule)'),
  workFootprint: field(
    z.union([z.literal(0), z.string().regex(/^(0|\d+(\.\d+)?\s*(KiB|MiB|GiB))$/)]),
    'a size such as 512KiB or 2MiB, at most 1GiB, or 0',
    '--work-footprint',
    `memory of its own the work phase writes per cycle, one store per 64-byte line, besides --work-ns (default 0, or ${DEFAULT_WORK_FOOTPRINT} with --binary none: what exec of a small binary touches)`,
  ),
  binary: field(
    z.enum(BINARY_CHOICES),
    `one of ${BINARY_CHOICES.join(', ')}`,
    '--binary',
    'what each process execs: static (glibc, its own copy per process), dynamic (ld.so and libc shared by all) or none (the mm path alone); default static',
  ),
  threadProb: field(z.number().min(0).max(1), 'a probability in [0, 1]', '--thread-prob', `threads workload: chance a process gains a second thread (default ${DEFAULT_THREAD_PROB})`),
  trace: field(z.string().min(1), 'the path of a percpu ftrace capture (text or .gz)', '--trace', 'replay-sizes workload: trace to take sizes and lifetimes from (default: the shipped 6.12 capture)'),
  out: field(z.string().min(1), 'an output directory path', '--out', 'output directory for result JSON and CSV (default results/run-<time>)'),
  watchdog: field(z.number().positive().max(600), 'a number of seconds in (0, 600]', '--watchdog', `seconds without progress before the run is aborted with a diagnosis (default ${DEFAULT_WATCHDOG_S})`),
  profile: field(z.string().min(1), 'kernel, calibrated or the path of a cost profile file', '--profile', 'virtual engine cost profile (default kernel)'),
  machineCpus: field(int(1, MAX_CPUS), `an integer in 1..${MAX_CPUS}, at least the largest CPU count`, '--machine-cpus', 'possible (= online) CPUs of the emulated machine; --cpus are the busy ones (default: the largest --cpus)'),
  sockets: field(int(1, 64), 'an integer in 1..64 that divides the machine into sockets of whole cores', '--sockets', 'sockets of the emulated machine (default 1)'),
  threadsPerCore: field(int(1, 8), 'an integer in 1..8 (SMT threads per core)', '--threads-per-core', 'SMT threads per core of the emulated machine (default 1)'),
  faultInject: field(faultInject, '{cpu, afterOps, mode: crash|hang-holding-lock}', '(file only)', 'fault injection for testing the failure paths'),
} as const satisfies Record<string, FieldDef>;

export type FieldName = keyof typeof FIELDS;

export const ScenarioInput = z.strictObject(
  Object.fromEntries(Object.entries(FIELDS).map(([k, f]) => [k, f.schema.optional()])) as {
    [K in FieldName]: z.ZodOptional<(typeof FIELDS)[K]['schema']>;
  },
);

export type PercpuGeometryInput = z.infer<typeof geometryNumbers>;
export type FaultInject = z.infer<typeof faultInject>;

/** A validated scenario with every default filled in. */
export interface Scenario {
  workload: WorkloadName;
  strategies: string[];
  cpus: number[];
  engine: EngineName;
  /** Measured operations per CPU; null when the run is bounded by duration only. */
  ops: number | null;
  /** Seconds per point; null when bounded by ops only. With both, whichever comes first. */
  duration: number | null;
  warmup: number;
  seed: number;
  /** Rounds of interleaved repeats of every point (repeat r runs with seed + r). */
  repeats: number;
  memory: string;
  /** Boot line or numbers; null = the percpu package's default geometry. */
  geometry: string | PercpuGeometryInput | null;
  /** null = derive (doexec default) or not applicable. */
  workNs: number | null;
  /** What the work phase writes per cycle, as given ("228KiB", or 0); null when the workload has no work phase. */
  workFootprint: string | 0 | null;
  /** The binary each process execs ('none': no exec path); null when the workload has no mm cycle. */
  binary: BinaryChoice | null;
  threadProb: number | null;
  trace: string | null;
  out: string | null;
  watchdog: number;
  profile: string | null;
  /** The machine the busy CPUs run on: possible CPUs, sockets, SMT threads per core. */
  machineCpus: number;
  sockets: number;
  threadsPerCore: number;
  faultInject: FaultInject | null;
}
