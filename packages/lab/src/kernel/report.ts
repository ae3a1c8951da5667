// What `percpu-lab kernel` found, as one record (written whole with
// --json) and as text: the machine and whether it is virtualized, then one
// table per process count with real beside lab — execs/s, µs per exec per
// process, speedup over one process, the percpu path's share of CPU time,
// and the lock waits of every lab lock class that either side saw wait —
// then, with --perf, where the kernel's time went and its lock contention
// the way `perf lock contention` prints it. Rendering is a pure function
// of the record, so the tables are tested on fixed inputs.
import { autoTime, percent, si } from '../report/units.js';
import { textTable, type Cell } from '../report/table.js';
import { wrap } from '../report/wrap.js';
import type { Contentions } from './contention.js';
import { SYMBOL_GROUPS, type CpuShares } from './cpu-shares.js';
import type { CommandRun, DoexecRun } from './doexec.js';
import type { LabPrediction } from './lab-side.js';
import type { LockStatClass } from './lock-stat-read.js';
import type { HostMachine } from './machine.js';

export interface RealPoint {
  procs: number;
  /** The CPUs the processes were pinned to, in order; empty when not pinned. */
  pinnedTo: number[];
  run: DoexecRun;
  /** With --perf: the run under perf and what it found. */
  perf: { run: DoexecRun; cpu: CpuShares; contention: Contentions | null; cpuTimeNs: number } | null;
}

export interface KernelReport {
  command: 'kernel';
  tool: { name: 'percpu-lab'; version: string };
  createdAt: string;
  host: HostMachine;
  loadAverage: { before: number; after: number };
  settings: { procs: number[]; seconds: number; pin: boolean; perf: boolean };
  doexec: { source: string; sourceSha256: string; binary: string; compileFlags: string[] };
  real: RealPoint[];
  lab: LabPrediction;
  /** Why --perf parts are missing (not asked, no tracepoints), one sentence each. */
  perfNotes: string[];
  /** /proc/lock_stat rows of the lab's locks, or null when the kernel has no lock_stat. */
  lockStat: LockStatClass[] | null;
  /** Every external command run, in order, and the virtual runs as `percpu-lab run` flags. */
  commands: CommandRun[];
}

const fixed = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const times = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : '–');
const us = (ns: number) => `${fixed(ns / 1e3, 1)} µs`;

function hostLines(r: KernelReport): string[] {
  const h = r.host;
  const cores = h.onlineCpus.length / h.threadsPerCore / h.sockets;
  const cache = (c: HostMachine['l2'], what: string) => (c === null ? `${what} unknown` : `${what} ${c.bytes / 1024} KiB (${c.source})`);
  const pv = Object.entries(h.hypervisor.paravirtSymbols).map(([f, n]) => `${n} ${f}`).join(', ') || 'none';
  const lines = [
    `host: ${h.model}, kernel ${h.kernel}; ${h.possibleCpus} possible CPUs, ${h.onlineCpus.length} online: ` +
      `${h.sockets} socket${h.sockets === 1 ? '' : 's'} x ${cores} cores x ${h.threadsPerCore} thread${h.threadsPerCore === 1 ? '' : 's'}`,
    `  ${cache(h.l2, 'L2')}; ${cache(h.llc, 'LLC')}; load average ${r.loadAverage.before.toFixed(2)} before, ${r.loadAverage.after.toFixed(2)} after`,
  ];
  if (h.virtualized) {
    const why = [h.hypervisor.cpuFlag ? 'the cpu flag hypervisor is set' : '', h.hypervisor.type ? `/sys/hypervisor/type is ${h.hypervisor.type}` : '']
      .filter(Boolean).join(', ');
    lines.push(...wrap(
      `VIRTUALIZED: this host is a virtual machine (${why}; paravirt symbols: ${pv}). Its real figures include hypervisor ` +
        'costs (hypercalls for page tables and interrupts, VM exits) that the lab does not model: they are part of why ' +
        'real and lab disagree below, and the disagreement is shown as measured, not corrected.',
      '', '  ',
    ));
  } else {
    lines.push(`  not virtualized (no hypervisor cpu flag); paravirt symbols: ${pv}`);
  }
  return lines;
}

function setupLines(r: KernelReport): string[] {
  const l = r.lab;
  const pinned = r.settings.pin ? `pinned one process per CPU (${r.real.at(-1)?.pinnedTo.join(',') ?? ''})` : 'not pinned';
  const cycle = l.workNs > 0
    ? `priced exec cycle ${us(l.pricedCycleNs)} + work phase ${us(l.workNs)} = the measured ${us(l.measuredCycleNs)}`
    : `priced exec cycle ${us(l.pricedCycleNs)}, already longer than the measured ${us(l.measuredCycleNs)} (work phase 0)`;
  return [
    ...wrap(`real: doexec (cc ${r.doexec.compileFlags.join(' ')}), ${r.settings.seconds} s per point, ${pinned}`, '', '  '),
    ...wrap(
      `lab: virtual engine, strategy baseline, --binary static, the same topology, ${l.opsPerCpu} execs per CPU; ` +
        `one-process cycle matched: ${cycle}; only scaling is predicted`,
      '', '  ',
    ),
  ];
}

/** Waits below this share of CPU time print as 0.000 %: such classes are counted, not listed. */
const SHOWN_WAIT = 0.000005;

/** The lab classes either side saw waiting at this point, the larger waits first. */
function lockRows(real: RealPoint, labWaits: Record<string, number>): Cell[][] {
  const realWaits: Record<string, number> = {};
  const c = real.perf?.contention;
  if (c && real.perf) for (const l of c.locks) if (l.labClass !== null) realWaits[l.labClass] = (realWaits[l.labClass] ?? 0) + l.totalWaitNs / real.perf.cpuTimeNs;
  const classes = [...new Set([...Object.keys(labWaits), ...Object.keys(realWaits)])]
    .sort((a, b) => Math.max(realWaits[b] ?? 0, labWaits[b] ?? 0) - Math.max(realWaits[a] ?? 0, labWaits[a] ?? 0));
  const realCell = (cls: string) => (c ? percent(realWaits[cls] ?? 0, 3) : 'no --perf');
  const shown = classes.filter((cls) => Math.max(realWaits[cls] ?? 0, labWaits[cls] ?? 0) >= SHOWN_WAIT);
  const rest = classes.length - shown.length;
  return [
    ...shown.map((cls) => [`  wait ${cls}`, realCell(cls), percent(labWaits[cls] ?? 0, 3)]),
    ...(rest > 0 ? [[`  ${rest} more lock class${rest === 1 ? '' : 'es'} waited < 0.001%`, '', '']] : []),
  ];
}

/** One table per process count: real beside lab. */
export function sideBySideLines(r: KernelReport): string[] {
  const out: string[] = [];
  const realOne = r.real.find((p) => p.procs === 1)!;
  for (const real of r.real) {
    const lab = r.lab.points.find((p) => p.procs === real.procs)!;
    const realShare = real.perf ? percent(real.perf.cpu.percpuPath, 3) : 'no --perf';
    const rows: Cell[][] = [
      ['execs/s', si(real.run.execsPerSecond), si(lab.execsPerSecond)],
      ['µs per exec per process', fixed(real.run.usPerExec, 1), fixed(lab.usPerExec, 1)],
      ['speedup over 1 process', times(real.run.execsPerSecond / realOne.run.execsPerSecond), times(lab.speedup)],
      ['percpu path, share of CPU time', realShare, percent(lab.percpuShare, 3)],
      ...lockRows(real, lab.waitShares),
    ];
    out.push('', `${real.procs} process${real.procs === 1 ? '' : 'es'}:`);
    out.push(...textTable([{ title: '' }, { title: r.host.virtualized ? 'real (VM)' : 'real', right: true }, { title: 'lab', right: true }], rows, '  '));
  }
  const multi = r.real.filter((p) => p.procs > 1);
  if (multi.length > 0) {
    out.push('', ...wrap(
      'speedup, real vs lab: ' + multi.map((p) => {
        const lab = r.lab.points.find((q) => q.procs === p.procs)!;
        return `${p.procs} processes ${times(p.run.execsPerSecond / realOne.run.execsPerSecond)} vs ${times(lab.speedup)}`;
      }).join('; '),
      '', '  ',
    ));
  }
  return out;
}

function perfLines(r: KernelReport): string[] {
  const withPerf = r.real.filter((p) => p.perf !== null);
  const out: string[] = [];
  if (withPerf.length > 0) {
    out.push('', "where the kernel's time goes (perf record -e cpu-clock -g; share of doexec's samples under each function):");
    const columns = [{ title: 'function' }, ...withPerf.map((p) => ({ title: `${p.procs} proc`, right: true }))];
    const rows: Cell[][] = [
      ...SYMBOL_GROUPS.map((g) => [g.name, ...withPerf.map((p) => percent(p.perf!.cpu.shares[g.name] ?? 0, 2))]),
      ['percpu path', ...withPerf.map((p) => percent(p.perf!.cpu.percpuPath, 2))],
      ['paravirt (hypervisor entry)', ...withPerf.map((p) => percent(p.perf!.cpu.hypervisor, 2))],
      ['samples', ...withPerf.map((p) => String(p.perf!.cpu.samples))],
      ['execs/s under perf', ...withPerf.map((p) => si(p.perf!.run.execsPerSecond))],
    ];
    out.push(...textTable(columns, rows, '  '));
    for (const p of withPerf) {
      const c = p.perf!.contention;
      if (c === null) continue;
      out.push('', `perf lock contention, ${p.procs} process${p.procs === 1 ? '' : 'es'} (lock:contention_begin/end):`);
      if (c.locks.length === 0) {
        out.push(`  no contention recorded${c.unpaired > 0 ? ` (${c.unpaired} waits still open when the run ended)` : ''}`);
        continue;
      }
      out.push(...textTable(
        [{ title: 'contended', right: true }, { title: 'total wait', right: true }, { title: 'max wait', right: true }, { title: 'avg wait', right: true },
          { title: 'type' }, { title: 'caller' }, { title: 'lab class' }],
        c.locks.map((l) => [l.contended, autoTime(l.totalWaitNs), autoTime(l.maxWaitNs), autoTime(l.totalWaitNs / l.contended), l.type,
          l.name === l.caller ? l.caller : `${l.name} (${l.caller})`, l.labClass ?? '-']),
        '  ',
      ));
    }
  }
  out.push('');
  for (const n of r.perfNotes) out.push(...wrap(n, '', '  '));
  if (r.lockStat === null) out.push('/proc/lock_stat: absent (the kernel is built without CONFIG_LOCK_STAT)');
  else if (r.lockStat.length === 0) out.push('/proc/lock_stat: no rows for the locks the lab models');
  else {
    out.push('', '/proc/lock_stat, the locks the lab models (times in µs):');
    out.push(...textTable(
      [{ title: 'class name' }, { title: 'contentions', right: true }, { title: 'waittime-total', right: true }, { title: 'acquisitions', right: true },
        { title: 'holdtime-total', right: true }],
      r.lockStat.map((s) => [s.name, s.contentions, s.waitTotalUs.toFixed(2), s.acquisitions, s.holdTotalUs.toFixed(2)]),
      '  ',
    ));
  }
  return out;
}

export function kernelReportLines(r: KernelReport): string[] {
  return [
    'percpu-lab kernel: doexec on the running kernel, beside the lab\'s prediction for the same machine',
    ...hostLines(r),
    ...setupLines(r),
    ...sideBySideLines(r),
    ...perfLines(r),
  ];
}
