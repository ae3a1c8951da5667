// The as-logged replay (--no-reorder): events in the order of their lines,
// with the two local fix-ups the replayer has always made where an
// allocation's placement disagrees with the kernel's:
//   - the frees other CPUs logged since this CPU's previous event may have
//     come after the allocation took its area (it is logged after dropping
//     pcpu_lock, they inside it): take them back newest first, and if the
//     model then agrees, allocate and replay the frees after it;
//   - the next allocation of another CPU (within a few lines) may have taken
//     its area first (both are logged after dropping the locks): if the
//     model agrees on it now, let it go first.
// Its figures are the baseline the order reconstruction must not fall
// below (matchRateAsLogged).
import { runPendingWork, type RealCpu } from '@percpu-lab/machine';
import type { AllocEvent, PcpuEvent } from './events.js';
import type { Applied, Placer } from './place.js';

/** How far ahead an allocation of another CPU may be let through first. */
const SWAP_LOOKAHEAD = 4;

export class AsLoggedReplay {
  /**
   * Allocations and frees applied since balance work last ran, oldest
   * first: the first fix-up takes back frees from its end, and stops at an
   * allocation (the as-logged replay keeps no undo records for those).
   */
  private log: Applied[] = [];
  private readonly lastEventOf = new Map<number, number>();
  /** Event indices in the order applied. */
  readonly applied: number[] = [];
  /** Events applied, or let through ahead of their line. */
  private readonly done: Uint8Array;

  constructor(
    private readonly placer: Placer,
    private readonly events: PcpuEvent[],
    private readonly cpu: (id: number) => RealCpu,
  ) {
    this.done = new Uint8Array(events.length);
  }

  run(): void {
    for (let i = 0; i < this.events.length; i++) {
      if (this.done[i] === 1) continue;
      this.done[i] = 1;
      const e = this.events[i]!;
      if (e.kind === 'alloc') this.alloc(i, e);
      else {
        const a = this.apply(i);
        if (e.kind === 'free' && a.key !== undefined) this.log.push(a);
      }
      this.lastEventOf.set(e.cpu, i);
      // A scheduling point: balance work runs; what it changed cannot be taken back.
      if (runPendingWork(this.cpu(e.cpu)) > 0) this.log = [];
    }
  }

  private alloc(i: number, e: AllocEvent): void {
    if (!this.placer.agrees(e) && this.placer.peek(e).chunk !== 0) {
      if (this.tryTakingBackFrees(i, e)) return;
      if (this.trySwap(i, e)) return;
    }
    this.log.push(this.apply(i));
  }

  private apply(i: number, reordered = false): Applied {
    this.applied.push(i);
    return this.placer.apply(i, reordered);
  }

  private tryTakingBackFrees(i: number, e: AllocEvent): boolean {
    const since = this.lastEventOf.get(e.cpu) ?? -1;
    let n = 0;
    while (n < this.log.length) {
      const a = this.log[this.log.length - 1 - n]!;
      if (a.undo === undefined || a.cpu === e.cpu || a.index <= since) break;
      n++;
    }
    if (n === 0) return false;
    const placer = this.placer;
    const taken = this.log.splice(this.log.length - n, n);
    for (let k = taken.length - 1; k >= 0; k--) {
      placer.takeBack(taken[k]!);
      this.applied.splice(this.applied.lastIndexOf(taken[k]!.index), 1);
      if (placer.agrees(e)) {
        placer.tally.reordered++;
        this.log.push(this.apply(i, true));
        for (const b of taken.slice(k)) this.redoFree(b);
        return true;
      }
    }
    for (const b of taken) this.redoFree(b);
    return false;
  }

  private redoFree(a: Applied): void {
    this.applied.push(a.index);
    this.log.push(this.placer.freeArea(a.index, a.cpu, a.key!, a.ptr!));
  }

  private trySwap(i: number, e: AllocEvent): boolean {
    for (let j = i + 1; j < this.events.length && j <= i + SWAP_LOOKAHEAD; j++) {
      const f = this.events[j]!;
      if (f.cpu === e.cpu) continue;
      if (f.kind !== 'alloc' || this.done[j] === 1 || !this.placer.agrees(f)) return false;
      this.done[j] = 1;
      this.placer.tally.reordered++;
      this.log.push(this.apply(j, true));
      this.lastEventOf.set(f.cpu, j);
      this.log.push(this.apply(i));
      return true;
    }
    return false;
  }
}
