// replay-sizes: the percpu allocator driven directly with what a real kernel
// asked of it — the sizes, alignments and flags of every
// percpu_alloc_percpu in a trace, each living as long as it lived there.
// Where `percpu-lab replay` reproduces one trace exactly, this turns a trace
// into a steady load: each CPU cycles through the trace's allocations
// (starting at its own offset, so CPUs are not in lock step) and frees each
// one after as many of its own allocations as the kernel made between that
// allocation and its free. Allocations the trace never frees (boot-time
// state) live one whole pass of the trace, so a long run does not grow
// without bound.
//
// The item table is parsed once at boot and kept in kernel memory, where
// every CPU reads it. One operation = one allocation (plus the frees that
// fall due at it); timed operations are pcpuAlloc and freePercpu.
import { fileURLToPath } from 'node:url';
import { CACHE_LINE, struct, type Kernel } from '@percpu-lab/machine';
import { GFP_ATOMIC, GFP_KERNEL } from '@percpu-lab/percpu';
import type { CpuProgram } from '../engine/program.js';
import { readTraceItems, type ReplayItem } from './trace-items.js';
import type { Workload, WorkloadEnv } from './types.js';

/** The capture shipped with the lab (see traces/README.md); compiled code lives in dist/src/workloads/. */
export const DEFAULT_TRACE = fileURLToPath(new URL('../../../src/workloads/traces/kernel-6.12-smp2.trace.gz', import.meta.url));

const FLAG_RESERVED = 1;
const FLAG_ATOMIC = 2;

const ItemTable = struct('replay_sizes_table', {
  nrItems: 'i32',
  /** Longest lifetime, in allocations; sizes the free wheel. */
  maxLifetime: 'i32',
  pad: { bytes: CACHE_LINE - 8 },
});

const Item = struct('replay_item', { bytes: 'i32', alignment: 'i32', flags: 'i32', lifetime: 'i32' });

const SYMBOL = 'replay_sizes_table';
const PCPU_ALLOC = 0;
const FREE_PERCPU = 1;

function bootTable(kernel: Kernel, items: readonly ReplayItem[]): void {
  const m = kernel.mem;
  const t = kernel.memblockAlloc(ItemTable.size + Item.size * items.length, CACHE_LINE);
  ItemTable.nrItems.set(m, t, items.length);
  let maxLifetime = 0;
  items.forEach((it, i) => {
    const a = t + ItemTable.size + i * Item.size;
    const lifetime = it.lifetime ?? items.length;
    Item.bytes.set(m, a, it.size);
    Item.alignment.set(m, a, it.align);
    Item.flags.set(m, a, (it.reserved ? FLAG_RESERVED : 0) | (it.atomic ? FLAG_ATOMIC : 0));
    Item.lifetime.set(m, a, lifetime);
    maxLifetime = Math.max(maxLifetime, lifetime);
  });
  ItemTable.maxLifetime.set(m, t, maxLifetime);
  kernel.defineSymbol(SYMBOL, t);
}

/**
 * One CPU's replay. Pending frees sit on a timing wheel indexed by the
 * allocation count at which they fall due; the wheel has one bucket per
 * possible lifetime, so a bucket holds exactly the frees due now.
 */
class ReplaySizes implements CpuProgram {
  private readonly table: number;
  private readonly nrItems: number;
  private readonly wheelSize: number;
  private readonly heads: Int32Array;
  private readonly next: Int32Array;
  private readonly ptrs: Float64Array;
  private freeSlot = -1;
  private nextItem: number;
  private clock = 0;

  constructor(private readonly env: WorkloadEnv) {
    const m = env.kernel.mem;
    this.table = env.kernel.symbol(SYMBOL);
    this.nrItems = ItemTable.nrItems.get(m, this.table);
    this.wheelSize = ItemTable.maxLifetime.get(m, this.table) + 1;
    this.heads = new Int32Array(this.wheelSize).fill(-1);
    // At most one live allocation per wheel bucket position in flight: lifetimes are below wheelSize.
    this.next = new Int32Array(this.wheelSize);
    this.ptrs = new Float64Array(this.wheelSize);
    for (let i = 0; i < this.wheelSize; i++) this.release(i);
    this.nextItem = Math.floor((env.cpu.id * this.nrItems) / env.spec.cpus);
  }

  step(): number {
    const { cpu, percpu, rec, kernel } = this.env;
    const m = kernel.mem;
    const it = this.table + ItemTable.size + this.nextItem * Item.size;
    this.nextItem = (this.nextItem + 1) % this.nrItems;
    const flags = Item.flags.get(m, it);
    const t0 = cpu.now();
    const ptr = percpu.pcpuAlloc(cpu, Item.bytes.get(m, it), Item.alignment.get(m, it), (flags & FLAG_RESERVED) !== 0,
      (flags & FLAG_ATOMIC) !== 0 ? GFP_ATOMIC : GFP_KERNEL);
    rec.record(PCPU_ALLOC, cpu.now() - t0);
    if (ptr === 0) rec.tally.pcpuAllocFailures++;
    else {
      rec.tally.pcpuAllocs++;
      this.schedule(ptr, (this.clock + Item.lifetime.get(m, it)) % this.wheelSize);
    }
    this.freeBucket(this.clock % this.wheelSize);
    this.clock++;
    return 1;
  }

  finish(): void {
    for (let b = 0; b < this.wheelSize; b++) this.freeBucket(b);
  }

  private schedule(ptr: number, bucket: number): void {
    const n = this.freeSlot;
    this.freeSlot = this.next[n]!;
    this.ptrs[n] = ptr;
    this.next[n] = this.heads[bucket]!;
    this.heads[bucket] = n;
  }

  private freeBucket(bucket: number): void {
    const { cpu, percpu, rec } = this.env;
    for (let n = this.heads[bucket]!; n !== -1; ) {
      const following = this.next[n]!;
      const t0 = cpu.now();
      percpu.freePercpu(cpu, this.ptrs[n]!);
      rec.record(FREE_PERCPU, cpu.now() - t0);
      rec.tally.pcpuFrees++;
      this.release(n);
      n = following;
    }
    this.heads[bucket] = -1;
  }

  private release(n: number): void {
    this.next[n] = this.freeSlot;
    this.freeSlot = n;
  }
}

export const replaySizes: Workload = {
  name: 'replay-sizes',
  description: 'pcpuAlloc/freePercpu with the sizes and lifetimes of a real kernel percpu trace',
  latencyNames: ['pcpuAlloc', 'freePercpu'],
  boot: (kernel, spec) => bootTable(kernel, readTraceItems(spec.knobs.trace ?? DEFAULT_TRACE)),
  program: (env) => new ReplaySizes(env),
};
