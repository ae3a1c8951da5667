// Per-CPU setup shared by both engines: the workload's program for one CPU,
// with the recorder it reports through.
import type { Cpu, Kernel } from '@percpu-lab/machine';
import type { PointSpec } from '../engine/engine.js';
import type { CpuProgram } from '../engine/program.js';
import type { Attached } from '../boot.js';
import { CpuRecorder } from './recorder.js';
import { getWorkload } from './registry.js';

export interface CpuRun {
  program: CpuProgram;
  rec: CpuRecorder;
}

export function instantiate(kernel: Kernel, cpu: Cpu, spec: PointSpec, attached: Attached): CpuRun {
  const workload = getWorkload(spec.workload);
  const rec = new CpuRecorder(workload.latencyNames);
  const program = workload.program({ kernel, cpu, percpu: attached.percpu, mm: attached.mm, spec, rec });
  return { program, rec };
}
