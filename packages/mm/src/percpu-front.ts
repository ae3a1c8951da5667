// Where the mm path gets percpu memory: alloc_percpu/free_percpu directly
// (today's kernel), or an object cache in front of them (pcpu-objcache.ts).
// Both return percpu pointers of the one allocator; per_cpu_ptr() works the
// same on either.
import type { Cpu, Kernel } from '@percpu-lab/machine';
import { GFP_KERNEL, Percpu } from '@percpu-lab/percpu';

export interface PercpuFront {
  /**
   * alloc_percpu_gfp(GFP_KERNEL): `size` zeroed bytes in every unit, or 0.
   * `overwritten`: the caller writes every byte in every unit before any
   * read (mm_init_cid does), so an engine that only prices work may leave
   * the zeroing's stores out (Cpu.pricesWork); it is charged all the same.
   */
  alloc(cpu: Cpu, size: number, align: number, overwritten?: boolean): number;
  /** free_percpu; the front is told the size and align the area was allocated with. */
  free(cpu: Cpu, ptr: number, size: number, align: number): void;
  /** Percpu bytes (all units) the front holds that no user owns. */
  parkedBytes(): number;
  /** Give back whatever this CPU's share of the front holds (end of run, before verify()). */
  drainCpu(cpu: Cpu): void;
}

const attached = new WeakMap<Kernel, Percpu>();

/** The percpu allocator of this attached kernel (one per kernel, shared by every user). */
export function percpuOf(kernel: Kernel): Percpu {
  let p = attached.get(kernel);
  if (p === undefined) attached.set(kernel, (p = new Percpu(kernel)));
  return p;
}

/** Today's kernel: every request goes to pcpu_alloc / free_percpu. */
export class DirectFront implements PercpuFront {
  private readonly percpu: Percpu;

  constructor(kernel: Kernel) {
    this.percpu = percpuOf(kernel);
  }

  alloc(cpu: Cpu, size: number, align: number, overwritten = false): number {
    return this.percpu.pcpuAlloc(cpu, size, align, false, GFP_KERNEL, overwritten);
  }

  free(cpu: Cpu, ptr: number): void {
    this.percpu.freePercpu(cpu, ptr);
  }

  parkedBytes(): number {
    return 0;
  }

  drainCpu(): void {}
}
