// What a workload is: a boot hook for state it shares in kernel memory, and
// a factory that builds one CpuProgram per CPU from that CPU's environment.
// Workloads never read a clock except through cpu.now(), never pick a CPU,
// and never know which engine runs them.
import type { Cpu, Kernel } from '@percpu-lab/machine';
import type { Percpu } from '@percpu-lab/percpu';
import type { MmOps } from '@percpu-lab/mm';
import type { PointSpec } from '../engine/engine.js';
import type { CpuProgram } from '../engine/program.js';
import type { WorkloadName } from '../scenario/schema.js';
import type { CpuRecorder } from './recorder.js';

/** One CPU's view of the booted point: its Cpu, the attached allocators, its recorder. */
export interface WorkloadEnv {
  kernel: Kernel;
  cpu: Cpu;
  percpu: Percpu;
  mm: MmOps;
  spec: PointSpec;
  rec: CpuRecorder;
}

export interface Workload {
  readonly name: WorkloadName;
  /** The real benchmark it stands in for, one line. */
  readonly description: string;
  /** Timed operations, in recorder order (e.g. ['mmAlloc', 'mmdrop']). */
  readonly latencyNames: readonly string[];
  /** Main thread, during boot (before publish): state this workload shares in kernel memory. */
  boot?(kernel: Kernel, spec: PointSpec): void;
  /** Build this CPU's program. */
  program(env: WorkloadEnv): CpuProgram;
}
