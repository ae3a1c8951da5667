// Where a virtual CPU's time goes. Every nanosecond the virtual engine adds
// to a CPU's clock is booked to exactly one part (cost-model/parts.ts says
// what each holds) or, for a lock wait, to the lock's class, so the parts
// of a CPU sum to its clock.
import { MAX_LOCK_CLASSES } from '@percpu-lab/machine';
import { SPLIT_PARTS, type SplitPart } from '../../cost-model/index.js';
import type { LifetimeSplit } from '../../results/schema.js';

/** One CPU's booked time: the parts, then the wait of each lock class id. */
export class TimeSplit {
  readonly parts = new Float64Array(SPLIT_PARTS.length);
  readonly waitByClass = new Float64Array(MAX_LOCK_CLASSES);

  reset(): void {
    this.parts.fill(0);
    this.waitByClass.fill(0);
  }

  copy(): TimeSplit {
    const c = new TimeSplit();
    c.parts.set(this.parts);
    c.waitByClass.set(this.waitByClass);
    return c;
  }
}


/** The split of a whole point: every CPU's booked time summed, divided by the ops they completed. */
export function lifetimeSplit(splits: readonly TimeSplit[], ops: number, className: (id: number) => string): LifetimeSplit {
  const parts = new Float64Array(SPLIT_PARTS.length);
  const wait = new Float64Array(MAX_LOCK_CLASSES);
  for (const s of splits) {
    for (let i = 0; i < parts.length; i++) parts[i]! += s.parts[i]!;
    for (let i = 0; i < wait.length; i++) wait[i]! += s.waitByClass[i]!;
  }
  const per = (ns: number) => (ops > 0 ? ns / ops : 0);
  const byClass: Record<string, number> = {};
  for (let i = 0; i < wait.length; i++) if (wait[i]! > 0) byClass[className(i)] = per(wait[i]!);
  const split = Object.fromEntries(SPLIT_PARTS.map((name, i) => [name, per(parts[i]!)])) as Record<SplitPart, number>;
  return { ...split, wait: byClass };
}
