// The percpu object cache: "a simplified sl*b serving power-of-two sizes" in
// front of pcpu_alloc. Each CPU keeps, per size class (4 B … 4 KiB), a stack
// of free percpu areas. An allocation pops one (no lock at all); an empty
// stack is refilled with `batch` areas by one pcpuAllocBulk call, which
// takes pcpu_alloc_mutex once for the whole batch and pcpu_lock once per fit
// pass (populating pages or creating a chunk under that one mutex hold when
// it must); a free pushes (no lock); a stack that reaches 2 × batch gives its
// oldest `batch` areas back with free_percpu (pcpu_lock only, never the
// mutex). So the mutex is taken once per batch of allocations instead of
// once per allocation, and the price is percpu memory parked in the stacks
// (parkedBytes), as with any slab cache. A popped area is zeroed in every
// CPU's unit, as alloc_percpu promises.
// Requests above the largest class, or aligned beyond their size class, go
// straight to pcpu_alloc.
//
// Memory: per CPU and class, a count and 2 × batch slots, written only by
// that CPU. Areas move between CPUs freely (an area freed on another CPU
// lands in that CPU's stack).
import { alignUp, CACHE_LINE, struct, type Cpu, type Kernel, type KernelMemory } from '@percpu-lab/machine';
import { GFP_KERNEL, PCPU_MIN_ALLOC_SIZE, type Percpu } from '@percpu-lab/percpu';
import { BadMmOptions } from './errors.js';
import { percpuOf, type PercpuFront } from './percpu-front.js';

const MIN_SHIFT = Math.log2(PCPU_MIN_ALLOC_SIZE);
/** Largest class: one page, so an area never straddles a unit page. */
const MAX_SHIFT = 12;
export const NR_SIZE_CLASSES = MAX_SHIFT - MIN_SHIFT + 1;
export const MAX_OBJCACHE_BATCH = 1024;
export const DEFAULT_OBJCACHE_BATCH = 16;

const ObjCacheDesc = struct('pcpu_objcache', {
  batch: 'i32',
  /** Slots per class stack: the drain mark, 2 × batch. */
  high: 'i32',
  classStride: 'i32',
  cpuStride: 'i32',
  /** Address of CPU 0's block. */
  cpus: 'i32',
  pad: { bytes: CACHE_LINE - 20 },
});

/** Head of one class stack; `high` u32 slots (percpu pointers) follow it. */
const ClassStack = struct('pcpu_objcache_class', { count: 'i32', pad: 'i32' });

function symbolFor(name: string): string {
  return `pcpu_objcache:${name}`;
}

/** Size class of a request, or -1 when it bypasses the cache. */
function classOf(size: number, align: number): number {
  const bytes = Math.max(size, align, PCPU_MIN_ALLOC_SIZE);
  const shift = 32 - Math.clz32(bytes - 1);
  return shift > MAX_SHIFT ? -1 : shift - MIN_SHIFT;
}

/** Boot: one object cache named `name`, every CPU's stacks empty. */
export function pcpuObjCacheBoot(kernel: Kernel, name: string, batch = DEFAULT_OBJCACHE_BATCH): void {
  if (!Number.isInteger(batch) || batch < 1 || batch > MAX_OBJCACHE_BATCH) {
    throw new BadMmOptions(`pcpuCacheBatch must be an integer in 1..${MAX_OBJCACHE_BATCH}, got ${batch}`);
  }
  const m = kernel.mem;
  const high = 2 * batch;
  const classStride = ClassStack.size + 4 * high;
  const cpuStride = alignUp(NR_SIZE_CLASSES * classStride, 2 * CACHE_LINE);
  const d = kernel.memblockAlloc(ObjCacheDesc.size, CACHE_LINE);
  ObjCacheDesc.batch.set(m, d, batch);
  ObjCacheDesc.high.set(m, d, high);
  ObjCacheDesc.classStride.set(m, d, classStride);
  ObjCacheDesc.cpuStride.set(m, d, cpuStride);
  ObjCacheDesc.cpus.set(m, d, kernel.memblockAlloc(cpuStride * kernel.nrCpus, 2 * CACHE_LINE));
  kernel.defineSymbol(symbolFor(name), d);
}

export class PcpuObjCache implements PercpuFront {
  readonly batch: number;
  private readonly m: KernelMemory;
  /** Where a refill's bulk allocation lands before it is pushed (reused). */
  private readonly refilled: Uint32Array;
  private readonly u32: Uint32Array;
  private readonly percpu: Percpu;
  private readonly high: number;
  private readonly classStride: number;
  private readonly cpuStride: number;
  private readonly cpus: number;
  private readonly nrPossible: number;

  constructor(kernel: Kernel, name: string) {
    const m = (this.m = kernel.mem);
    const d = kernel.symbol(symbolFor(name));
    this.u32 = m.u32;
    this.percpu = percpuOf(kernel);
    this.batch = ObjCacheDesc.batch.get(m, d);
    this.high = ObjCacheDesc.high.get(m, d);
    this.classStride = ObjCacheDesc.classStride.get(m, d);
    this.cpuStride = ObjCacheDesc.cpuStride.get(m, d);
    this.cpus = ObjCacheDesc.cpus.get(m, d);
    this.nrPossible = kernel.nrCpus;
    this.refilled = new Uint32Array(this.batch);
  }

  alloc(cpu: Cpu, size: number, align: number, overwritten = false): number {
    const cls = classOf(size, align);
    if (cls < 0) return this.percpu.pcpuAlloc(cpu, size, align, false, GFP_KERNEL, overwritten);
    const stack = this.stack(cpu.id, cls);
    let n = ClassStack.count.get(this.m, stack);
    if (n === 0 && (n = this.refill(cpu, stack, cls)) === 0) return 0;
    const ptr = this.u32[this.slot(stack, n - 1)]!;
    ClassStack.count.set(this.m, stack, n - 1);
    this.zeroArea(cpu, ptr, alignUp(size, PCPU_MIN_ALLOC_SIZE), overwritten);
    return ptr;
  }

  free(cpu: Cpu, ptr: number, size: number, align: number): void {
    if (ptr === 0) return;
    const cls = classOf(size, align);
    if (cls < 0) return this.percpu.freePercpu(cpu, ptr);
    const stack = this.stack(cpu.id, cls);
    let n = ClassStack.count.get(this.m, stack);
    if (n === this.high) n = this.drain(cpu, stack, this.batch);
    this.u32[this.slot(stack, n)] = ptr;
    ClassStack.count.set(this.m, stack, n + 1);
  }

  parkedBytes(): number {
    let bytes = 0;
    for (let c = 0; c < this.nrPossible; c++) {
      for (let cls = 0; cls < NR_SIZE_CLASSES; cls++) {
        bytes += ClassStack.count.get(this.m, this.stack(c, cls)) * (PCPU_MIN_ALLOC_SIZE << cls) * this.nrPossible;
      }
    }
    return bytes;
  }

  drainCpu(cpu: Cpu): void {
    for (let cls = 0; cls < NR_SIZE_CLASSES; cls++) {
      const stack = this.stack(cpu.id, cls);
      this.drain(cpu, stack, ClassStack.count.get(this.m, stack));
    }
  }

  private stack(cpuId: number, cls: number): number {
    return this.cpus + cpuId * this.cpuStride + cls * this.classStride;
  }

  private slot(stack: number, i: number): number {
    return ((stack + ClassStack.size) >> 2) + i;
  }

  /** Fill an empty stack with one bulk allocation; returns how many areas it now holds. */
  private refill(cpu: Cpu, stack: number, cls: number): number {
    const bytes = PCPU_MIN_ALLOC_SIZE << cls;
    const n = this.percpu.pcpuAllocBulk(cpu, bytes, bytes, this.batch, this.refilled, GFP_KERNEL);
    const base = this.slot(stack, 0);
    for (let i = 0; i < n; i++) this.u32[base + i] = this.refilled[i]!;
    ClassStack.count.set(this.m, stack, n);
    return n;
  }

  /** Free the oldest `count` areas of a stack; returns what is left. */
  private drain(cpu: Cpu, stack: number, count: number): number {
    const n = ClassStack.count.get(this.m, stack);
    const base = this.slot(stack, 0);
    for (let i = 0; i < count; i++) this.percpu.freePercpu(cpu, this.u32[base + i]!);
    this.u32.copyWithin(base, base + count, base + n);
    ClassStack.count.set(this.m, stack, n - count);
    return n - count;
  }

  /** alloc_percpu's promise: the area reads as zero on every CPU (unless the caller overwrites it: PercpuFront.alloc). */
  private zeroArea(cpu: Cpu, ptr: number, bytes: number, overwritten: boolean): void {
    this.percpu.zeroPercpu(cpu, ptr, bytes, this.nrPossible, overwritten);
  }
}
