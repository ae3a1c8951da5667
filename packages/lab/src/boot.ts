// Booting the kernel of one point, the way the real kernel's boot order
// goes: the machine (memory, CPUs, locks, pages, workqueue), then percpu
// (setup_per_cpu_areas: first chunk and its geometry), then the mm strategy
// (caches, counters list, pgd list), then the exec path's files, LRU and
// memcg (when the scenario names a binary), then the workload's own shared state,
// then publish — after which CPUs attach. Possible CPUs = the point's
// machine (machineCpus), of which `cpus` are busy: every possible CPU has a
// percpu unit, so the zeroing and summing loops walk the whole machine
// however few of its CPUs run the workload.
import { bootMachine, BootError, type Kernel } from '@percpu-lab/machine';
import { pcpuBoot, pcpuMemblockBytes, Percpu, PercpuError } from '@percpu-lab/percpu';
import { execBoot, execBootBytes, getStrategy, type MmOps, type MmOptions } from '@percpu-lab/mm';
import type { PointSpec } from './engine/engine.js';
import { ScenarioError } from './scenario/errors.js';
import { getWorkload } from './workloads/registry.js';

/** One CPU's (or one thread's) handles on the booted allocators. */
export interface Attached {
  percpu: Percpu;
  mm: MmOps;
}

const MM_OPTIONS: MmOptions = {};

/** The scenario's sizes cannot boot: input, not a failed run. */
export class PointBootError extends ScenarioError {
  override name = 'PointBootError';
}

/**
 * Boot memory: the machine's own tables (its default rule: 4 MiB, 64 KiB per
 * CPU, 16 bytes of struct page per page) plus what the percpu first chunk
 * needs for this geometry.
 */
function memblockBytes(spec: PointSpec): number {
  const machine = 4 * 2 ** 20 + spec.machineCpus * 64 * 2 ** 10 + spec.memBytes / 256;
  const exec = spec.knobs.binary === null ? 0 : execBootBytes(spec.knobs.binary, spec.machineCpus, spec.sockets);
  return Math.ceil((machine + exec + pcpuMemblockBytes(spec.geometry, spec.machineCpus)) / 4096) * 4096;
}

/**
 * Boot a point's kernel on the main thread. `engineBoot` lets the engine
 * place its own control state in kernel memory before publish.
 */
export function bootPoint(spec: PointSpec, engineBoot?: (kernel: Kernel) => void): Kernel {
  let kernel: Kernel;
  try {
    kernel = bootMachine({
      nrCpus: spec.machineCpus, memBytes: spec.memBytes, memblockBytes: memblockBytes(spec), sockets: spec.sockets, threadsPerCore: spec.threadsPerCore,
    });
    pcpuBoot(kernel, spec.geometry);
    getStrategy(spec.strategy).boot(kernel, MM_OPTIONS);
    if (spec.knobs.binary !== null) execBoot(kernel, spec.knobs.binary);
  } catch (e) {
    if (!(e instanceof BootError || e instanceof PercpuError)) throw e;
    throw new PointBootError([
      `cannot boot ${spec.machineCpus} CPUs in ${spec.memBytes / 2 ** 20} MiB of kernel memory with this percpu geometry: ${(e as Error).message}; raise --memory or shrink --geometry`,
    ]);
  }
  getWorkload(spec.workload).boot?.(kernel, spec);
  engineBoot?.(kernel);
  kernel.publish();
  return kernel;
}

/** Attach the allocators of a published kernel (per worker, or once per thread). */
export function attachPoint(kernel: Kernel, spec: PointSpec): Attached {
  return { percpu: new Percpu(kernel), mm: getStrategy(spec.strategy).attach(kernel, MM_OPTIONS) };
}
