// Test helpers: boot a machine with the percpu allocator and the named mm
// strategies, attach them on the main thread, and count lock acquisitions.
import { atomicsLockOps, bootMachine, readLockStats, RealCpu, resetLockStats, type Cpu, type Kernel } from '@percpu-lab/machine';
import { DEFAULT_GEOMETRY, pcpuBoot, pcpuMemblockBytes, type Percpu } from '@percpu-lab/percpu';
import { Exec, execBoot, execBootBytes, getStrategy, percpuOf, type BinaryKind, type MmOps, type MmOptions } from '../src/index.js';

export interface MmTestMachine {
  kernel: Kernel;
  cpus: RealCpu[];
  percpu: Percpu;
  ops: Record<string, MmOps>;
}

export interface MmTestOptions {
  nrCpus?: number;
  memBytes?: number;
  strategies: string[];
  mmOpts?: MmOptions;
  /** Runs at boot after the strategies (extra caches, locks). */
  setup?: (kernel: Kernel) => void;
  /** Sockets (= NUMA nodes) of the machine (default 1). */
  sockets?: number;
}

/** Boot memory for the machine plus the percpu first chunk, page-rounded. */
export function memblockFor(nrCpus: number, memBytes: number): number {
  const exec = execBootBytes('dynamic', nrCpus, nrCpus) + execBootBytes('static', nrCpus, nrCpus);
  const bytes = 4 * 1024 * 1024 + nrCpus * 64 * 1024 + memBytes / 256 + pcpuMemblockBytes(DEFAULT_GEOMETRY, nrCpus) + exec;
  return Math.ceil(bytes / 4096) * 4096;
}

export function bootMm(o: MmTestOptions): MmTestMachine {
  const nrCpus = o.nrCpus ?? 4;
  const memBytes = o.memBytes ?? 64 * 1024 * 1024;
  const kernel = bootMachine({ nrCpus, memBytes, memblockBytes: memblockFor(nrCpus, memBytes), sockets: o.sockets ?? 1 });
  pcpuBoot(kernel, DEFAULT_GEOMETRY);
  for (const s of o.strategies) getStrategy(s).boot(kernel, o.mmOpts ?? {});
  o.setup?.(kernel);
  kernel.publish();
  kernel.setLockOps(atomicsLockOps);
  const cpus = Array.from({ length: nrCpus }, (_, id) => {
    const c = new RealCpu(kernel, id, 1, 1);
    c.online();
    return c;
  });
  const ops = Object.fromEntries(o.strategies.map((s) => [s, getStrategy(s).attach(kernel, o.mmOpts ?? {})]));
  return { kernel, cpus, percpu: percpuOf(kernel), ops };
}

/** Acquisitions per lock class since the last reset. */
export function acquisitionsByClass(kernel: Kernel): Record<string, number> {
  return Object.fromEntries(readLockStats(kernel).map((s) => [s.name, s.acquisitions]));
}

/** One mm lifetime: mm_alloc, one rss update and its undo, mmdrop. */
export function lifetime(cpu: Cpu, ops: MmOps): void {
  const mm = ops.mmAlloc(cpu);
  if (mm === 0) throw new Error('mmAlloc failed');
  ops.addMmCounter(cpu, mm, 1, 3);
  ops.addMmCounter(cpu, mm, 1, -3);
  ops.mmdrop(cpu, mm);
}

/** Lock acquisitions per lifetime in steady state: `warm` lifetimes first, then `n` measured. */
export function locksPerLifetime(m: MmTestMachine, strategy: string, n = 100, warm = 5): Record<string, number> {
  const cpu = m.cpus[0]!;
  const ops = m.ops[strategy]!;
  for (let i = 0; i < warm; i++) lifetime(cpu, ops);
  resetLockStats(m.kernel);
  for (let i = 0; i < n; i++) lifetime(cpu, ops);
  const per: Record<string, number> = {};
  for (const [k, v] of Object.entries(acquisitionsByClass(m.kernel))) per[k] = v / n;
  return per;
}

/** One doexec cycle as the lab's mm cycle runs it: mm_alloc, the exec path, the image, exit_mmap, mmdrop. */
export function execCycle(cpu: Cpu, ops: MmOps, exec: Exec): void {
  const mm = ops.mmAlloc(cpu);
  if (mm === 0) throw new Error('mmAlloc failed');
  const ok = exec.bprmMmInit(mm) && exec.execLoad(mm) && exec.execMap(mm) && exec.runImage(mm);
  if (!ok) throw new Error('the exec path ran out of memory');
  exec.exitMmap(mm);
  ops.mmdrop(cpu, mm);
}

/** A machine booted with `strategy` and the exec model of `binary`, and an Exec per CPU. */
export function bootExec(strategy: string, binary: BinaryKind, nrCpus = 1, sockets = 1): MmTestMachine & { execs: Exec[] } {
  const m = bootMm({ nrCpus, strategies: [strategy], sockets, setup: (k) => execBoot(k, binary) });
  return { ...m, execs: m.cpus.map((cpu) => new Exec(m.kernel, cpu, m.ops[strategy]!, binary)) };
}
