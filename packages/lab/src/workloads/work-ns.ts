// The default exec-like work of an mm cycle. Kernel developers measured that
// on one CPU the percpu alloc/free path of an mm lifetime is about 4 % of a
// doexec cycle (KERNEL.md §4). Our allocators do not cost what the kernel's
// do in absolute terms, so instead of a kernel nanosecond figure we keep the
// kernel's *proportion*: measure on this engine, on a 1-CPU machine booted
// with the baseline strategy,
//   P = the baseline's percpu path per lifetime: pcpuAlloc of mm_cid
//       (16 B, align 8) and of the four rss counters (16 B, align 4), and
//       their two freePercpu calls;
//   L = one whole mm cycle with no work (alloc, rss updates, cid, exit, drop);
// then a cycle is P / 4 % and the work is what the allocators leave of it:
//   workNs = P / 0.04 − L.
// The measurement is interleaved and repeated and the median kept, so one
// preempted round does not skew it.
//
// Both are measured with the work footprint in place (mm-cycle.ts): the
// kernel's 4 % was measured on real exec cycles, where exec's own memory
// work had pushed the allocator's lines out, so the P it refers to is a
// cold one. P is timed with the footprint written before each lifetime,
// minus the same writes timed alone; L includes the writes, so the derived
// workNs is the ALU part that fills the cycle up to P / 4 %.
import { runPendingWork, type Cpu } from '@percpu-lab/machine';
import { GFP_KERNEL } from '@percpu-lab/percpu';
import type { Attached } from '../boot.js';
import type { PointSpec, WorkNsDerivation } from '../engine/engine.js';
import { median } from '../stats/median.js';
import { MmCycle } from './mm-cycle.js';
import { CpuRecorder } from './recorder.js';

/** Share of a 1-CPU doexec cycle spent in the percpu path on real kernels. */
export const PERCPU_SHARE_OF_CYCLE = 0.04;
const MM_CID = { size: 16, align: 8 };
const RSS_COUNTERS = { size: 16, align: 4 };
const WARMUP_LIFETIMES = 3000;
const LIFETIMES_PER_ROUND = 2000;
const ROUNDS = 5;

/**
 * ns per lifetime of the baseline's percpu path, measured over n lifetimes,
 * each after the work phase wrote `footprint` bytes (those writes, timed
 * alone over as many lifetimes, are taken out).
 */
function percpuPath(cpu: Cpu, a: Attached, n: number, footprint: number): number {
  const t0 = cpu.now();
  for (let i = 0; i < n; i++) {
    cpu.touchPrivate(footprint);
    const cid = a.percpu.pcpuAlloc(cpu, MM_CID.size, MM_CID.align, false, GFP_KERNEL);
    const rss = a.percpu.pcpuAlloc(cpu, RSS_COUNTERS.size, RSS_COUNTERS.align, false, GFP_KERNEL);
    a.percpu.freePercpu(cpu, rss);
    a.percpu.freePercpu(cpu, cid);
    runPendingWork(cpu);
  }
  const t1 = cpu.now();
  if (footprint === 0) return (t1 - t0) / n;
  for (let i = 0; i < n; i++) cpu.touchPrivate(footprint);
  return ((t1 - t0) - (cpu.now() - t1)) / n;
}

/** ns per whole mm cycle without work, over n lifetimes. */
function mmCycle(program: MmCycle, cpu: Cpu, n: number): number {
  const t0 = cpu.now();
  for (let done = 0; done < n; ) {
    done += program.step();
    runPendingWork(cpu);
  }
  return (cpu.now() - t0) / n;
}

/**
 * Derive workNs on a 1-CPU kernel booted with the baseline strategy, `cpu`
 * being that kernel's CPU 0 under the engine's own clock and locks. With
 * `fill` false the cycle is what the engine priced (the virtual engine with
 * an exec model): P and L are measured the same way, the work stays 0, and
 * the text says what share of that cycle the percpu path is.
 */
export function deriveWorkNs(cpu: Cpu, attached: Attached, spec: PointSpec, fill = true): WorkNsDerivation {
  const env = { kernel: cpu.kernel, cpu, percpu: attached.percpu, mm: attached.mm, rec: new CpuRecorder(['mmAlloc', 'mmdrop']) };
  const program = new MmCycle({ ...env, spec: { ...spec, knobs: { ...spec.knobs, workNs: 0 } } });
  const footprint = spec.knobs.workFootprint;
  percpuPath(cpu, attached, WARMUP_LIFETIMES, footprint);
  mmCycle(program, cpu, WARMUP_LIFETIMES);
  const p: number[] = [];
  const l: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    p.push(percpuPath(cpu, attached, LIFETIMES_PER_ROUND, footprint));
    l.push(mmCycle(program, cpu, LIFETIMES_PER_ROUND));
  }
  program.finish();
  const P = median(p);
  const L = median(l);
  const us = (ns: number) => `${(ns / 1000).toFixed(2)} µs`;
  if (!fill) {
    const text = [
      `work-ns 0: the exec path is priced (--binary ${spec.knobs.binary}, ${spec.engine} engine, 1 CPU, baseline):`,
      `  one cycle L = ${us(L)}; its percpu path P = ${us(P)} (2 × pcpuAlloc 16 B + 2 × freePercpu)`,
      `  is ${(100 * P / L).toFixed(2)} % of it (kernel developers measured ~${PERCPU_SHARE_OF_CYCLE * 100} %)`,
    ];
    return { workNs: 0, percpuPathNs: P, lifetimeNs: L, cycleNs: L, text };
  }
  const cycle = P / PERCPU_SHARE_OF_CYCLE;
  const workNs = Math.max(0, Math.round(cycle - L));
  // One clause a line, so the derivation stays within the terminal's 120 columns.
  const text = [
    `work-ns ${workNs} (derived on 1 CPU, baseline, ${spec.engine} engine):`,
    `  percpu path P = ${us(P)} per lifetime (2 × pcpuAlloc 16 B + 2 × freePercpu),`,
    `  whole cycle without ALU work L = ${us(L)}` + (footprint > 0 ? ',' : ';'),
    ...(footprint > 0 ? [`  both after the work phase wrote its ${footprint} B footprint (L includes those writes);`] : []),
    `  the percpu path is ${PERCPU_SHARE_OF_CYCLE * 100} % of a doexec cycle on real kernels, so cycle = P / ${PERCPU_SHARE_OF_CYCLE} = ${us(cycle)}`,
    `  and work = cycle − L = ${us(workNs)}` + (cycle < L ? ' (clamped: the cycle without work is already longer)' : ''),
  ];
  return { workNs, percpuPathNs: P, lifetimeNs: L, cycleNs: cycle, text };
}
