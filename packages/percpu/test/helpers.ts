// Test helpers: boot a machine with the percpu allocator and hand out CPUs
// running on the main thread.
import { atomicsLockOps, bootMachine, RealCpu, type Kernel } from '@percpu-lab/machine';
import { pcpuBoot, pcpuMemblockBytes } from '../src/boot.js';
import { DEFAULT_GEOMETRY, type PcpuGeometry } from '../src/geometry.js';
import { BlockMd, PcpuChunk } from '../src/layout.js';
import { Percpu } from '../src/percpu.js';

export interface PercpuTestMachine {
  kernel: Kernel;
  percpu: Percpu;
  cpu(id: number): RealCpu;
}

export function bootPercpu(opts: { nrCpus?: number; memBytes?: number; geometry?: PcpuGeometry; lockStat?: boolean } = {}): PercpuTestMachine {
  const nrCpus = opts.nrCpus ?? 2;
  const memBytes = opts.memBytes ?? 64 * 1024 * 1024;
  const geometry = opts.geometry ?? DEFAULT_GEOMETRY;
  const memblockBytes = 4 * 1024 * 1024 + nrCpus * 64 * 1024 + memBytes / 256 + pcpuMemblockBytes(geometry, nrCpus);
  const kernel = bootMachine({ nrCpus, memBytes, memblockBytes: Math.ceil(memblockBytes / 4096) * 4096, lockStat: opts.lockStat ?? false });
  pcpuBoot(kernel, geometry);
  kernel.publish();
  kernel.setLockOps(atomicsLockOps);
  const cpus = new Map<number, RealCpu>();
  const cpu = (id: number) => {
    let c = cpus.get(id);
    if (c === undefined) {
      c = new RealCpu(kernel, id, 1, 1);
      c.online();
      cpus.set(id, c);
    }
    return c;
  };
  return { kernel, percpu: new Percpu(kernel), cpu };
}

/** A first chunk of exactly four pages (no reserve, page-aligned), on 64 KiB units. */
export const SMALL_GEOMETRY: PcpuGeometry = { unitSize: 65536, staticSize: 8192, reservedSize: 0, dynSize: 16384 };

/** The hints of md_blocks[index] of a chunk, or of chunk_md when index is 'chunk'. */
export function hintsOf(percpu: Percpu, chunk: number, index: number | 'chunk') {
  const m = percpu.ctx.mem;
  const b = index === 'chunk' ? PcpuChunk.chunkMd.addr(chunk) : PcpuChunk.mdBlocks.get(m, chunk) + index * BlockMd.size;
  return {
    contig: BlockMd.contigHint.get(m, b),
    contigStart: BlockMd.contigHintStart.get(m, b),
    scan: BlockMd.scanHint.get(m, b),
    scanStart: BlockMd.scanHintStart.get(m, b),
    left: BlockMd.leftFree.get(m, b),
    right: BlockMd.rightFree.get(m, b),
    firstFree: BlockMd.firstFree.get(m, b),
  };
}

/** Byte offset of a percpu pointer inside its chunk. */
export function offsetOf(percpu: Percpu, ptr: number): number {
  return ptr % percpu.ctx.vaSpan;
}

/** The chunk (address) a percpu pointer lies in. */
export function chunkOf(percpu: Percpu, ptr: number): number {
  return percpu.ctx.i32[(percpu.ctx.chunkTable >> 2) + Math.floor(ptr / percpu.ctx.vaSpan)]!;
}
