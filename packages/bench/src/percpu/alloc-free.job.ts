// Job of the contended percpu benchmark: for a fixed time, each CPU
// allocates a 16-byte percpu area (GFP_KERNEL, so pcpu_alloc_mutex and
// pcpu_lock) and frees it (pcpu_lock), as fast as it can.
import { runPendingWork, type CpuContext } from '@percpu-lab/machine';
import { Percpu } from '@percpu-lab/percpu';

export interface AllocFreeArgs {
  ms: number;
  size: number;
}

export interface AllocFreeResult {
  pairs: number;
  elapsedNs: number;
}

/** Pairs between clock reads and scheduling points. */
const BATCH = 128;

export function cpuMain({ kernel, cpu, args, progress, shouldStop }: CpuContext<AllocFreeArgs>): AllocFreeResult {
  const percpu = new Percpu(kernel);
  const t0 = cpu.now();
  const end = t0 + args.ms * 1e6;
  let pairs = 0;
  let now = t0;
  while (now < end && !shouldStop()) {
    for (let i = 0; i < BATCH; i++) percpu.freePercpu(cpu, percpu.pcpuAlloc(cpu, args.size, 8));
    pairs += BATCH;
    runPendingWork(cpu);
    progress();
    now = cpu.now();
  }
  return { pairs, elapsedNs: now - t0 };
}
