// The terminal summary of a run: a header saying what ran where, the
// scaling table (strategies as rows, CPU counts side by side), then one
// table per CPU count comparing the strategies on throughput, latency,
// contended locks, percpu memory and the post-run checks. Up to 8 CPUs a
// point shows every CPU's throughput; beyond, their min / median / max
// (every CPU's figure stays in result.json). With --repeats the scaling
// table gives each throughput and speedup as the median of its repeats with
// its 95 % interval, and the per-CPU-count tables show, for each point, the
// repeat whose throughput is that median; a threads run of one repeat says
// that its figures are single samples.
import { BINARY_IMAGES, type BinaryKind } from '@percpu-lab/mm';
import { resultSummary } from '../results/summary.js';
import type { ResultPoint, RunResult, SummaryRow } from '../results/schema.js';
import { MIN_SAMPLES, type Interval } from '../stats/interval.js';
import { spreadOf } from '../stats/median.js';
import { textTable, type Cell } from './table.js';
import { timeSplitTable } from './time-split.js';
import { autoTime, bytes, percent, si } from './units.js';
import { hostCell, warmupCell } from './threads-quality.js';
import { wrap } from './wrap.js';

function header(r: RunResult): string[] {
  const s = r.scenario;
  const bound = [s.ops !== null ? `${s.ops} ops/CPU` : '', s.duration !== null ? `${s.duration} s/point` : ''].filter(Boolean).join(' or ');
  const lines = [
    `percpu-lab ${r.tool.version} · ${s.workload} · ${r.engine} engine · ${bound}, warm-up ${s.warmup} ops${r.engine === 'threads' && s.warmup > 0 ? ' then until steady' : ''} · seed ${r.seed}`,
    `host: ${r.host.cores} cores (${r.host.cpuModel}), Node ${r.host.node}`,
  ];
  lines.push(`machine: ${machineLine(s)}; busy CPUs per point: ${s.cpus.join(', ')}`);
  if (r.workNs !== null) lines.push(r.workNs.derived ? r.workNs.derivation.join('\n') : `work-ns ${r.workNs.value} (given)`);
  if (s.binary != null) {
    lines.push(s.binary === 'none' ? 'binary: none (the mm path alone; the work phase stands in for exec)' : `binary: ${s.binary} (each process execs it: ${binaryLine(s.binary)})`);
  }
  if (r.workFootprint != null) lines.push(`work footprint ${r.workFootprint > 0 ? `${bytes(r.workFootprint)} written per cycle besides work-ns` : '0'}`);
  if (r.oversubscription !== '') lines.push(r.oversubscription);
  const files = new Map(r.points.filter((p) => p.strategySource !== null).map((p) => [p.strategy, p.strategySource!]));
  for (const [name, src] of files) lines.push(`strategy ${name} loaded from ${src.path} (sha256 ${src.sha256.slice(0, 12)})`);
  return lines;
}

/** What an image is, in a few words. */
function binaryLine(kind: BinaryKind): string {
  const image = BINARY_IMAGES[kind];
  const shared = image.files.filter((f) => f.shared).map((f) => f.name);
  return `${image.vmas.length} mappings, ${image.syscalls} system calls${shared.length > 0 ? `, ${shared.join(', ')} shared by all` : ', a copy per process'}`;
}

/** "192 possible CPUs: 2 sockets x 48 cores x 2 threads". */
export function machineLine(m: { machineCpus: number; sockets: number; threadsPerCore: number }): string {
  const cores = m.machineCpus / m.sockets / m.threadsPerCore;
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${plural(m.machineCpus, 'possible CPU')}: ${plural(m.sockets, 'socket')} x ${plural(cores, 'core')} x ${plural(m.threadsPerCore, 'thread')}`;
}

function groupKey(p: ResultPoint): string {
  return `${p.workload}/${p.engine}`;
}

/** Strategies as rows, throughput per CPU count side by side, then speedup and efficiency of each count above 1. */
export function scalingTable(points: readonly ResultPoint[]): string[] {
  const counts = [...new Set(points.map((p) => p.cpus))].sort((a, b) => a - b);
  const strategies = [...new Set(points.map((p) => p.strategy))];
  const at = (s: string, c: number) => points.find((p) => p.strategy === s && p.cpus === c);
  const multi = counts.filter((c) => c > 1);
  const columns = [
    { title: 'strategy' },
    ...counts.map((c) => ({ title: `${c} CPU${c > 1 ? 's' : ''}`, right: true })),
    // Speedup and efficiency share a cell, so a table cut into blocks never parts them.
    ...multi.map((c) => ({ title: `speedup@${c}  eff`, right: true })),
  ];
  const rows = strategies.map((s): Cell[] => [
    s,
    ...counts.map((c) => {
      const p = at(s, c);
      return p === undefined ? '-' : `${si(p.throughput)}${p.status === 'complete' ? '' : ' (partial)'}`;
    }),
    ...multi.map((c) => {
      const p = at(s, c);
      const speedup = p?.speedup == null ? '-' : `${p.speedup.toFixed(2)}x`;
      return `${speedup} ${(p?.efficiency == null ? '-' : percent(p.efficiency, 0)).padStart(4)}`;
    }),
  ]);
  return textTable(columns, rows, '  ');
}

const interval = (i: Interval | null, f: (x: number) => string): string => (i === null ? ` (n<${MIN_SAMPLES})` : ` [${f(i.lo)}, ${f(i.hi)}]`);

/** scalingTable over repeats: medians with their 95 % intervals. */
export function repeatedScalingTable(rows: readonly SummaryRow[]): string[] {
  const counts = [...new Set(rows.map((r) => r.cpus))].sort((a, b) => a - b);
  const strategies = [...new Set(rows.map((r) => r.strategy))];
  const at = (s: string, c: number) => rows.find((r) => r.strategy === s && r.cpus === c);
  const multi = counts.filter((c) => c > 1 && c !== counts[0]);
  const columns = [
    { title: 'strategy' },
    ...counts.map((c) => ({ title: `${c} CPU${c > 1 ? 's' : ''} [95% interval]`, right: true })),
    ...multi.map((c) => ({ title: `speedup@${c} [95% interval]`, right: true })),
  ];
  const body = strategies.map((s): Cell[] => [
    s,
    ...counts.map((c) => {
      const r = at(s, c);
      return r === undefined ? '-' : `${si(r.throughput.median)}${interval(r.throughputCi, si)}`;
    }),
    ...multi.map((c) => {
      const r = at(s, c);
      return r === undefined ? '-' : `${r.speedup.toFixed(2)}x${interval(r.speedupCi, (x) => x.toFixed(2))}`;
    }),
  ]);
  return textTable(columns, body, '  ');
}

/** Of each point's repeats, the one whose throughput is nearest their median. */
export function medianRepeats(points: readonly ResultPoint[]): ResultPoint[] {
  const groups = new Map<string, ResultPoint[]>();
  for (const p of points) {
    const k = `${p.workload}/${p.engine}/${p.strategy}/${p.cpus}`;
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  return [...groups.values()].map((g) => {
    const m = spreadOf(g.map((p) => p.throughput)).median;
    return g.reduce((a, b) => (Math.abs(b.throughput - m) < Math.abs(a.throughput - m) ? b : a));
  });
}

function contended(p: ResultPoint): string {
  const l = Object.entries(p.locks).filter(([, x]) => x.contentions > 0).sort((a, b) => b[1].waitShare - a[1].waitShare);
  if (l.length === 0) return 'none';
  return l.slice(0, 2).map(([n, x]) => `${n} ${x.contentions} (${percent(x.waitShare)})`).join(', ');
}

function checks(p: ResultPoint): string {
  const c = [p.checks.verify, p.checks.rss, p.checks.leak];
  if (c.every((x) => x.status === 'passed')) return 'ok';
  if (c.some((x) => x.status === 'failed')) return 'FAILED';
  return 'skipped';
}

const time = (ns: number | undefined) => (ns === undefined ? '-' : autoTime(ns).replace(' ', ''));

/** Beyond this many CPUs a point's per-CPU throughputs print as min / median / max. */
export const PER_CPU_LISTED = 8;

function perCpuThroughput(p: ResultPoint): string {
  const t = p.perCpu.map((c) => c.throughput);
  if (t.length <= PER_CPU_LISTED) return t.map(si).join(' ');
  const s = spreadOf(t);
  return [s.min, s.median, s.max].map(si).join(' / ');
}

/** One CPU count: the strategies compared on everything a point measures. */
export function cpuCountTable(points: readonly ResultPoint[]): string[] {
  const ops = [...new Set(points.flatMap((p) => Object.keys(p.latency)))];
  const threads = points.some((p) => p.warmup !== undefined);
  const summarised = points.some((p) => p.perCpu.length > PER_CPU_LISTED);
  const columns = [
    { title: 'strategy' }, { title: 'ops/s', right: true }, { title: summarised ? 'per CPU min / med / max' : 'per CPU', right: true },
    ...ops.map((o) => ({ title: `${o} p50/p99`, right: true })),
    { title: 'contended locks (contentions, CPU time waiting)' },
    { title: 'percpu used', right: true }, { title: 'parked', right: true }, { title: 'checks' },
    ...(threads ? [{ title: 'warm-up' }, { title: 'host (threads engine)' }] : []),
  ];
  const rows = points.map((p): Cell[] => [
    p.strategy,
    si(p.throughput),
    perCpuThroughput(p),
    ...ops.map((o) => `${time(p.latency[o]?.p50Ns)} / ${time(p.latency[o]?.p99Ns)}`),
    contended(p),
    bytes(p.percpu.bytesInUse),
    bytes(p.percpu.bytesParked),
    checks(p),
    ...(threads ? [warmupCell(p), hostCell(p)] : []),
  ]);
  return textTable(columns, rows, '  ');
}

export function summaryLines(r: RunResult): string[] {
  const out = header(r);
  const repeats = r.scenario.repeats ?? 1;
  if (repeats === 1 && r.engine === 'threads') {
    out.push(...wrap(`each threads figure below is one sample from a spread between runs: no interval (--repeats ${MIN_SAMPLES} or more gives 95 % intervals)`));
  }
  const groups = [...new Set(r.points.map(groupKey))];
  const summary = r.summary ?? resultSummary(r.points);
  for (const g of groups) {
    const all = r.points.filter((p) => groupKey(p) === g);
    const pts = repeats > 1 ? medianRepeats(all) : all;
    if (repeats > 1) {
      out.push('', `${g}: throughput (ops/s), median of ${repeats} interleaved repeats [95 % interval of the median], strategies side by side`,
        ...repeatedScalingTable(summary.filter((x) => `${x.workload}/${x.engine}` === g)));
      out.push(`(per CPU count below: of each point's repeats, the one whose throughput is the median)`);
    } else {
      out.push('', `${g}: throughput (ops/s), strategies side by side`, ...scalingTable(pts));
    }
    const split = timeSplitTable(pts);
    if (split.length > 0) out.push('', `${g}: where a lifetime's time goes (µs per mm lifetime as its CPU spends it; lock wait by class)`, ...split);
    for (const c of [...new Set(pts.map((p) => p.cpus))]) {
      out.push('', `${g} on ${c} CPU${c > 1 ? 's' : ''}:`, ...cpuCountTable(pts.filter((p) => p.cpus === c)));
    }
  }
  if (r.status !== 'complete') {
    out.push('', `RUN FAILED — results are PARTIAL: ${r.failure === null ? 'points missing' : `${r.failure.point}: ${r.failure.kind}: ${r.failure.message}`}`);
  }
  return out;
}
