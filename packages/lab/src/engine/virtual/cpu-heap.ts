// The run queue of the virtual engine: a binary min-heap of CPU ids ordered
// by (virtual clock, CPU id), so the CPU furthest behind in virtual time runs
// next and ties go to the lower id. Only the top CPU's clock changes between
// heap operations (it ran a step, so its clock grew): one sift-down restores
// order. Fixed arrays, no allocation per step.
import type { VirtualCpu } from './virtual-cpu.js';

export class CpuHeap {
  private readonly ids: Int32Array;
  private n = 0;

  constructor(private readonly cpus: readonly VirtualCpu[]) {
    this.ids = new Int32Array(cpus.length);
  }

  get size(): number {
    return this.n;
  }

  /** The CPU with the smallest (clock, id); the heap must not be empty. */
  top(): number {
    return this.ids[0]!;
  }

  push(id: number): void {
    let i = this.n++;
    this.ids[i] = id;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(id, this.ids[parent]!)) break;
      this.ids[i] = this.ids[parent]!;
      i = parent;
    }
    this.ids[i] = id;
  }

  /** Remove the top CPU. */
  pop(): void {
    const last = this.ids[--this.n]!;
    if (this.n > 0) this.siftDown(last);
  }

  /** The top CPU's clock advanced: move it down to its place. */
  update(): void {
    this.siftDown(this.ids[0]!);
  }

  private siftDown(id: number): void {
    const { ids, n } = this;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.before(ids[child + 1]!, ids[child]!)) child++;
      if (!this.before(ids[child]!, id)) break;
      ids[i] = ids[child]!;
      i = child;
    }
    ids[i] = id;
  }

  private before(a: number, b: number): boolean {
    const ca = this.cpus[a]!.clock;
    const cb = this.cpus[b]!.clock;
    return ca < cb || (ca === cb && a < b);
  }
}
