// mm_cid: per-mm concurrency ids (kernel/fork.c mm_alloc_cid / mm_init_cid /
// mm_destroy_cid, kernel/sched/sched.h mm_cid_get / mm_cid_put).
//
// Kept: one struct mm_cid per possible CPU in a percpu allocation of 16
// bytes, align 8; init sets every CPU's cid and recent_cid to MM_CID_UNSET
// and clears the mm's cid bitmap; a CPU that needs a cid takes the lowest
// clear bit of the bitmap with an atomic test-and-set and caches it in its
// own slot; put gives it back.
// Left out: the scheduler's lazy put, cid compaction by time, and the
// per-mm allowed-CPU accounting; get/put are called explicitly by the
// workload instead of from context switches.
//
// mm_init_cid walks every possible CPU, as the kernel does; it resolves each
// field's page-table row once per mm (Percpu.perCpuPages) so the walk itself
// is two loads and a store per field and CPU. Each iteration is priced by
// the lines it writes in that CPU's unit (Cpu.touchUnits); get and put touch
// this CPU's own slot (Cpu.touchOwn).
import { PAGE_SIZE, type Cpu, type Kernel, type KernelMemory } from '@percpu-lab/machine';
import type { Percpu } from '@percpu-lab/percpu';
import { MmError } from './errors.js';
import { cidmaskBytes, MM_CID_UNSET, MmCid, mmCidmaskAddr, MmStruct } from './mm-struct.js';
import { percpuOf, type PercpuFront } from './percpu-front.js';

export class MmCids {
  private readonly m: KernelMemory;
  private readonly percpu: Percpu;
  private readonly nrPossible: number;
  private readonly maskWords: number;

  constructor(kernel: Kernel) {
    this.m = kernel.mem;
    this.percpu = percpuOf(kernel);
    this.nrPossible = kernel.nrCpus;
    this.maskWords = cidmaskBytes(kernel.nrCpus) / 4;
  }

  /**
   * mm_alloc_cid(): alloc_percpu(struct mm_cid) from `front`, then
   * mm_init_cid; false if out of memory. mm_init_cid writes every field of
   * every CPU's struct, so the area's zeroing is never read (PercpuFront.alloc).
   */
  mmAllocCid(cpu: Cpu, mm: number, front: PercpuFront): boolean {
    const ptr = front.alloc(cpu, MmCid.size, MmCid.align, true);
    MmStruct.pcpuCid.set(this.m, mm, ptr);
    if (ptr === 0) return false;
    this.mmInitCid(cpu, mm);
    return true;
  }

  /** mm_init_cid(): every possible CPU's slot unset, the bitmap clear. */
  mmInitCid(cpu: Cpu, mm: number): void {
    const m = this.m;
    const i32 = m.i32;
    const f64 = m.f64;
    const ptr = MmStruct.pcpuCid.get(m, mm);
    // One page-table row per field (a field never crosses a page; the struct may).
    const time = ptr + MmCid.time.offset;
    const cid = ptr + MmCid.cid.offset;
    const recent = ptr + MmCid.recentCid.offset;
    const timeRow = this.percpu.perCpuPages(time);
    const cidRow = this.percpu.perCpuPages(cid);
    const recentRow = this.percpu.perCpuPages(recent);
    const timeOff = time & (PAGE_SIZE - 1);
    const cidOff = cid & (PAGE_SIZE - 1);
    const recentOff = recent & (PAGE_SIZE - 1);
    for (let c = 0; c < this.nrPossible; c++) {
      f64[(i32[timeRow + c]! + timeOff) >> 3] = 0;
      i32[(i32[cidRow + c]! + cidOff) >> 2] = MM_CID_UNSET;
      i32[(i32[recentRow + c]! + recentOff) >> 2] = MM_CID_UNSET;
    }
    // A struct that straddles a page is priced by the lines of its first page.
    cpu.touchUnits(timeRow, timeOff, Math.min(MmCid.size, PAGE_SIZE - timeOff), this.nrPossible);
    m.zero(mmCidmaskAddr(mm), this.maskWords * 4);
    cpu.cost('zeroByte', this.maskWords * 4);
  }

  /** mm_destroy_cid(): free the percpu area to `front`. */
  mmDestroyCid(cpu: Cpu, mm: number, front: PercpuFront): void {
    const ptr = MmStruct.pcpuCid.get(this.m, mm);
    if (ptr === 0) return;
    front.free(cpu, ptr, MmCid.size, MmCid.align);
    MmStruct.pcpuCid.set(this.m, mm, 0);
  }

  /** mm_cid_get(): this CPU's cid for `mm`, taking the lowest free one if it has none. */
  mmCidGet(cpu: Cpu, mm: number): number {
    const m = this.m;
    const ptr = MmStruct.pcpuCid.get(m, mm);
    const slot = this.percpu.perCpuPtr(ptr + MmCid.cid.offset, cpu.id) >> 2;
    cpu.touchOwn(slot << 2, 4);
    const have = m.i32[slot]!;
    if (have !== MM_CID_UNSET) return have;
    const cid = this.claimLowestFree(cpu, mm);
    m.i32[slot] = cid;
    m.i32[this.percpu.perCpuPtr(ptr + MmCid.recentCid.offset, cpu.id) >> 2] = cid;
    MmCid.time.set(m, this.percpu.perCpuPtr(ptr + MmCid.time.offset, cpu.id), cpu.now());
    return cid;
  }

  /** mm_cid_put(): give this CPU's cid back to the mm. */
  mmCidPut(cpu: Cpu, mm: number): void {
    const m = this.m;
    const slot = this.percpu.perCpuPtr(MmStruct.pcpuCid.get(m, mm) + MmCid.cid.offset, cpu.id) >> 2;
    cpu.touchOwn(slot << 2, 4);
    const cid = m.i32[slot]!;
    if (cid === MM_CID_UNSET) return;
    m.i32[slot] = MM_CID_UNSET;
    cpu.cost('atomic', 1);
    Atomics.and(m.i32, (mmCidmaskAddr(mm) >> 2) + (cid >> 5), ~(1 << (cid & 31)));
  }

  /** __mm_cid_try_get() until it succeeds: lowest clear bit, test-and-set. */
  private claimLowestFree(cpu: Cpu, mm: number): number {
    const i32 = this.m.i32;
    const base = mmCidmaskAddr(mm) >> 2;
    for (let w = 0; w < this.maskWords; ) {
      const word = Atomics.load(i32, base + w);
      if (word === -1) {
        w++;
        continue;
      }
      const bit = 31 - Math.clz32(~word & (word + 1));
      const cid = w * 32 + bit;
      if (cid >= this.nrPossible) break;
      cpu.cost('atomic', 1);
      if ((Atomics.or(i32, base + w, 1 << bit) & (1 << bit)) === 0) return cid;
    }
    throw new MmError(`mm ${mm}: no free cid among ${this.nrPossible}; every CPU must put its cid before taking another`);
  }
}
