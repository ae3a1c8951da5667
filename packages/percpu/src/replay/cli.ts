// `percpu-lab replay TRACE`: replay a real percpu ftrace capture on the
// model and report how many placements match the kernel's. Returns the exit
// code: 0 every allocation matched, 1 the replay ran with divergences, 2 bad
// input (one line on stderr, never a stack trace).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MachineError } from '@percpu-lab/machine';
import { PercpuError } from '../errors.js';
import { parsePcpuBootLine, validateGeometry, type PcpuGeometry } from '../geometry.js';
import { geometryFromDmesg } from './dmesg.js';
import { ReplayInputError } from './errors.js';
import { DEFAULT_REPLAY_MEM } from './machine.js';
import { parseTrace, traceText, TraceLineError } from './parse.js';
import { parsePrelude } from './prelude.js';
import { replayTrace } from './replayer.js';
import { formatReport } from './report.js';

const USAGE = `usage: percpu-lab replay TRACE [options]

Replays a kernel ftrace capture of percpu:* events (plain or .gz) on the
percpu allocator model and compares every allocation's offset with the
kernel's. Allocation lines are logged after pcpu_alloc drops its locks, so
the logged order is not always the allocator's. The replay keeps the
logged order wherever it explains the placements; where one fails, it
moves allocations earlier (never past their own task's events, within the
window) only if the move explains that placement and the next ones, and
reports each move with the placement that failed. It reports the match as
logged and after reconstruction; should the reconstructed order explain
fewer placements, the logged order is the one reported.

geometry (one of):
  --dmesg FILE          boot log with the "percpu: Embedded …" line (and nr_cpu_ids)
  --geometry "LINE"     the boot line itself, e.g. "percpu: Embedded 66 pages/cpu s233472 r8192 d28672 u1048576"
  --unit-size N --static N --reserved N --dynamic N
                        the sizes in bytes
  --cpus N              possible CPUs (default: from dmesg, else the trace header's #P:N)

options:
  --prelude FILE        allocations made before tracing, lines "size=N align=N reserved=0|1"
  --resync              after a miss, place allocations where the kernel did; report decisionMatchRate
  --no-reorder          replay in the logged order (only the two local fix-ups, no order search)
  --window MS           how long before its line an allocation may have taken its area, in ms
                        (default: the 99th percentile of the gaps between back-to-back allocations
                        of one task on one CPU in this trace; each gap bounds a whole pcpu_alloc call;
                        where nothing within it explains a placement, the search looks 10 times as
                        far, for a task preempted before its trace point; a given window is a bound)
  --strict              the first malformed or unknown line is fatal (exit 2)
  --json                print the report as one JSON object (matchRate, matchRateAsLogged, order.moves, …)
  --context N           events shown around the first divergence (default 5)
  --mem MIB             kernel memory of the replay machine (default ${DEFAULT_REPLAY_MEM >> 20})
  --help                this text

exit: 0 all placements matched, 1 divergences, 2 bad input`;

const OPTIONS = {
  dmesg: { type: 'string' },
  geometry: { type: 'string' },
  'unit-size': { type: 'string' },
  static: { type: 'string' },
  reserved: { type: 'string' },
  dynamic: { type: 'string' },
  cpus: { type: 'string' },
  prelude: { type: 'string' },
  resync: { type: 'boolean' },
  'no-reorder': { type: 'boolean' },
  window: { type: 'string' },
  strict: { type: 'boolean' },
  json: { type: 'boolean' },
  context: { type: 'string' },
  mem: { type: 'string' },
  help: { type: 'boolean' },
} as const;

function count(name: string, v: string | undefined, min = 0): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new ReplayInputError(`--${name} must be an integer ≥ ${min}, got "${v}"`);
  return Number(v);
}

/** --window in milliseconds, as seconds. */
function windowSeconds(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(v)) throw new ReplayInputError(`--window must be a number of milliseconds ≥ 0, got "${v}"`);
  return Number(v) / 1000;
}

function readInput(what: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ReplayInputError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Kernel memory below 2 GiB (one SharedArrayBuffer indexed by Int32Array). */
function memBytes(v: string | undefined): number {
  const mib = count('mem', v, 16) ?? DEFAULT_REPLAY_MEM / 2 ** 20;
  if (mib > 2040) throw new ReplayInputError(`--mem must be at most 2040 MiB, got ${mib}`);
  return mib * 2 ** 20;
}

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

function geometryFrom(v: Values, headerCpus: number | undefined): PcpuGeometry & { nrPossible: number } {
  const sizes = [v['unit-size'], v.static, v.reserved, v.dynamic];
  let g: PcpuGeometry;
  if (v.geometry !== undefined) g = parsePcpuBootLine(v.geometry);
  else if (sizes.some((s) => s !== undefined)) {
    if (sizes.some((s) => s === undefined)) throw new ReplayInputError('--unit-size, --static, --reserved and --dynamic go together; give all four');
    g = { unitSize: count('unit-size', v['unit-size'])!, staticSize: count('static', v.static)!, reservedSize: count('reserved', v.reserved)!, dynSize: count('dynamic', v.dynamic)! };
  } else if (v.dmesg !== undefined) g = geometryFromDmesg(readInput('dmesg', v.dmesg).toString('utf8'), v.dmesg);
  else throw new ReplayInputError('no geometry: pass --dmesg FILE, --geometry "percpu: Embedded …", or the four sizes');
  const nrPossible = count('cpus', v.cpus, 1) ?? g.nrPossible ?? headerCpus;
  if (nrPossible === undefined) throw new ReplayInputError('unknown number of possible CPUs: pass --cpus N (or a dmesg with nr_cpu_ids)');
  const out = { ...g, nrPossible };
  validateGeometry(out);
  return out;
}

export async function replayCommand(argv: string[]): Promise<number> {
  try {
    let parsedArgs;
    try {
      parsedArgs = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (e) {
      // Node's hint about positionals that start with '-' does not apply: a trace path never does.
      throw new ReplayInputError(`${(e as Error).message.replace(/\. To specify a positional argument.*$/s, '')} (see percpu-lab replay --help)`);
    }
    const { values: v, positionals } = parsedArgs;
    if (v.help) {
      console.log(USAGE);
      return 0;
    }
    if (positionals.length !== 1) throw new ReplayInputError(positionals.length === 0 ? 'no trace file given (see percpu-lab replay --help)' : `one trace file expected, got ${positionals.length}`);
    const tracePath = positionals[0]!;
    let trace;
    try {
      trace = parseTrace(traceText(readInput('trace', tracePath)), { strict: v.strict === true });
    } catch (e) {
      if (e instanceof TraceLineError) throw new ReplayInputError(`${tracePath} ${e.message}`);
      if (e instanceof ReplayInputError) throw e;
      throw new ReplayInputError(`${tracePath} is not a readable trace: ${(e as Error).message}`);
    }
    if (trace.events.length === 0) throw new ReplayInputError(`${tracePath} holds no percpu events (was it captured with trace_event=percpu:*?)`);
    const geometry = geometryFrom(v, trace.headerCpus);
    const prelude = v.prelude === undefined ? [] : parsePrelude(readInput('prelude', v.prelude).toString('utf8'), v.prelude);
    const report = replayTrace(trace, {
      geometry,
      prelude,
      resync: v.resync === true,
      reorder: v['no-reorder'] !== true,
      window: windowSeconds(v.window),
      context: count('context', v.context),
      memBytes: memBytes(v.mem),
    });
    console.log(v.json ? JSON.stringify(report) : formatReport(report));
    return report.divergences === 0 && report.modelFailures === 0 ? 0 : 1;
  } catch (e) {
    if (e instanceof PercpuError || e instanceof MachineError) {
      console.error(`percpu-lab replay: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
