// Turns raw scenario input (from flags, a file, or both) into a Scenario:
// schema check, then the rules that span fields, then defaults. Every
// problem becomes one line naming the field (as the flag when it came from
// a flag) and what was expected; all lines are reported together.
import type { z } from 'zod';
import { ScenarioError } from './errors.js';
import {
  DEFAULT_BINARY, DEFAULT_OPS, DEFAULT_THREAD_PROB, DEFAULT_WARMUP, DEFAULT_WATCHDOG_S, DEFAULT_WORK_FOOTPRINT, FIELDS, MAX_THREADS_CPUS, MAX_WORK_FOOTPRINT,
  MM_CYCLE_WORKLOADS, ScenarioInput, type FieldName, type Scenario,
} from './schema.js';

export interface ParseContext {
  /** Where file values came from, for messages ("scenario.yaml"); null when flags only. */
  file: string | null;
  /** Fields whose value came from a flag (named by the flag in messages). */
  fromFlags: ReadonlySet<string>;
  /** Registered strategy names (the mm package's registry). */
  strategies: readonly string[];
}

const MAX_MEM_BYTES = 2 ** 31 - 4096;

function render(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function at(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function label(ctx: ParseContext, path: readonly PropertyKey[]): string {
  const top = String(path[0]);
  const sub = path.slice(1).map((k) => (typeof k === 'number' ? `[${k}]` : `.${String(k)}`)).join('');
  if (ctx.fromFlags.has(top) && top in FIELDS) return `${FIELDS[top as FieldName].flag}${sub}`;
  return `${ctx.file ?? 'scenario'}: field ${top}${sub}`;
}

function issueLine(ctx: ParseContext, raw: unknown, issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `${ctx.file ?? 'scenario'}: unknown field ${issue.keys.map((k) => `'${k}'`).join(', ')}; known fields: ${Object.keys(FIELDS).join(', ')}`;
  }
  const top = String(issue.path[0]);
  const expect = top in FIELDS ? FIELDS[top as FieldName].expect : issue.message;
  return `${label(ctx, issue.path)}: expected ${expect}, got ${render(at(raw, issue.path))}`;
}

/** "256MiB" → bytes ("0" → 0). The schema already checked the shape. */
export function parseSize(s: string | 0): number {
  const m = /^(\d+(?:\.\d+)?)\s*(KiB|MiB|GiB)$/.exec(String(s));
  if (m === null) return 0;
  const unit = m[2] === 'KiB' ? 2 ** 10 : m[2] === 'MiB' ? 2 ** 20 : 2 ** 30;
  return Math.round(Number(m[1]) * unit);
}

/**
 * A strategy list with 'all' replaced by every `known` strategy. 'all' may
 * sit next to files (`all,./remedy.js`), which it then already holds: each
 * strategy is kept once. A list without 'all' is returned as it is.
 */
export function expandAll(listed: readonly string[], known: readonly string[]): string[] {
  return listed.includes('all') ? [...new Set(listed.flatMap((s) => (s === 'all' ? known : [s])))] : [...listed];
}

/** Validate raw input; throws ScenarioError with one line per problem. */
export function parseScenario(raw: unknown, ctx: ParseContext): Scenario {
  const r = ScenarioInput.safeParse(raw);
  if (!r.success) throw new ScenarioError(r.error.issues.map((i) => issueLine(ctx, raw, i)));
  const v = r.data;
  const lines: string[] = [];
  const bad = (f: FieldName, what: string) => lines.push(`${label(ctx, [f])}: ${what}`);

  const workload = v.workload ?? 'doexec';
  const engine = v.engine ?? 'threads';
  const strategies = expandAll(v.strategies ?? ['all'], ctx.strategies);
  for (const s of strategies) {
    if (!ctx.strategies.includes(s)) bad('strategies', `unknown strategy ${render(s)}; expected one or more of ${ctx.strategies.join(', ')} (or all), or a strategy file such as ./remedy.js`);
  }
  if (new Set(strategies).size !== strategies.length) bad('strategies', 'expected each strategy once');
  const cpus = v.cpus ?? [1];
  if (new Set(cpus).size !== cpus.length) bad('cpus', 'expected each CPU count once');
  if (engine === 'threads' && Math.max(...cpus) > MAX_THREADS_CPUS) {
    bad('cpus', `expected at most ${MAX_THREADS_CPUS} CPUs on the threads engine; use --engine virtual for more`);
  }
  if (v.workNs !== undefined && !MM_CYCLE_WORKLOADS.includes(workload)) {
    bad('workNs', `expected only with the ${MM_CYCLE_WORKLOADS.join(', ')} workloads, not ${workload}`);
  }
  if (v.workFootprint !== undefined && !MM_CYCLE_WORKLOADS.includes(workload)) {
    bad('workFootprint', `expected only with the ${MM_CYCLE_WORKLOADS.join(', ')} workloads, not ${workload}`);
  }
  if (v.binary !== undefined && !MM_CYCLE_WORKLOADS.includes(workload)) {
    bad('binary', `expected only with the ${MM_CYCLE_WORKLOADS.join(', ')} workloads, not ${workload}`);
  }
  const binary = v.binary ?? DEFAULT_BINARY;
  const workFootprint = v.workFootprint ?? (binary === 'none' ? DEFAULT_WORK_FOOTPRINT : 0);
  if (parseSize(workFootprint) > MAX_WORK_FOOTPRINT) {
    bad('workFootprint', `expected ${FIELDS.workFootprint.expect}, got ${render(v.workFootprint)}`);
  }
  if (v.threadProb !== undefined && workload !== 'threads') bad('threadProb', `expected only with the threads workload, not ${workload}`);
  if (v.trace !== undefined && workload !== 'replay-sizes') bad('trace', `expected only with the replay-sizes workload, not ${workload}`);
  if (engine !== 'virtual') {
    if (v.profile !== undefined) bad('profile', 'expected only with --engine virtual');
  }
  const machineCpus = v.machineCpus ?? Math.max(...cpus);
  const sockets = v.sockets ?? 1;
  const threadsPerCore = v.threadsPerCore ?? 1;
  if (machineCpus < Math.max(...cpus)) bad('machineCpus', `expected at least the largest CPU count (${Math.max(...cpus)}): a machine of ${machineCpus} CPUs cannot keep ${Math.max(...cpus)} busy`);
  else if (machineCpus % (sockets * threadsPerCore) !== 0) {
    bad('machineCpus', `expected a multiple of sockets × threads per core (${sockets} × ${threadsPerCore}), got ${machineCpus}`);
  }
  const memory = v.memory ?? '256MiB';
  const memBytes = parseSize(memory);
  if (memBytes % 4096 !== 0 || memBytes > MAX_MEM_BYTES || memBytes < 2 ** 20) {
    bad('memory', `expected a multiple of 4 KiB between 1MiB and 2GiB, got ${render(memory)}`);
  }
  if (v.faultInject !== undefined && v.faultInject.cpu >= Math.max(...cpus)) {
    bad('faultInject', `expected cpu below the largest CPU count (${Math.max(...cpus)}), got ${v.faultInject.cpu}`);
  }
  if (lines.length > 0) throw new ScenarioError(lines);

  const bounded = v.ops !== undefined || v.duration !== undefined;
  return {
    workload,
    strategies,
    cpus,
    engine,
    ops: v.ops ?? (bounded ? null : DEFAULT_OPS),
    duration: v.duration ?? null,
    warmup: v.warmup ?? DEFAULT_WARMUP,
    seed: v.seed ?? 1,
    repeats: v.repeats ?? 1,
    memory,
    geometry: v.geometry ?? null,
    workNs: v.workNs ?? null,
    workFootprint: MM_CYCLE_WORKLOADS.includes(workload) ? workFootprint : null,
    binary: MM_CYCLE_WORKLOADS.includes(workload) ? binary : null,
    threadProb: workload === 'threads' ? (v.threadProb ?? DEFAULT_THREAD_PROB) : null,
    trace: v.trace ?? null,
    out: v.out ?? null,
    watchdog: v.watchdog ?? DEFAULT_WATCHDOG_S,
    profile: v.profile ?? null,
    machineCpus,
    sockets,
    threadsPerCore,
    faultInject: v.faultInject ?? null,
  };
}
