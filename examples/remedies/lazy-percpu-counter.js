// @ts-check
// lazy-percpu-counter: Kent Overstreet's lazy percpu counter (posted for
// bcachefs and proposed for the mm rss counters). A counter starts as one
// atomic and becomes a percpu counter only once it is updated often: the
// atomic's high bits count updates, and each time that count wraps the
// time since the previous wrap is compared with an interval; a counter that
// wrapped sooner switches to percpu for the rest of its life.
//
// Where the model simplifies: the four rss counters of an mm switch
// together (they share one percpu area, as percpu_counter_init_many
// allocates it), and the update count sits beside the atomics in the mm's
// strategy area rather than in their high bits; the model still charges one
// atomic per update, as the packed word costs. The interval is measured on
// the clock of the CPU whose update wrapped the count.
//
// Knobs: `threshold` (updates per wrap) and `intervalNs`; the default export
// uses 64 updates per 1 ms. A doexec lifetime makes 4 rss updates, so with
// the defaults no exec'd mm ever switches and the strategy costs what
// atomic-rss costs plus the counting; a remedy file with
// `export default lazyPercpuCounter({ name: 'lazy-2', threshold: 2 })`
// switches every mm (packages/lab/test/fixtures/strategies/lazy-percpu-counter-t2.js).
//
// Locks per lifetime: pcpu_alloc_mutex 1, pcpu_lock 2, percpu_counters_lock 0, pgd_lock 2
import { defineMmStrategy, directFront, LazyRss, mmStrategyPriv } from '@percpu-lab/mm';

export const DEFAULT_THRESHOLD = 64;
export const DEFAULT_INTERVAL_NS = 1_000_000;

// The mm's strategy area: updates since creation (i32), the switch claim (i32), the time of the last wrap (f64).
const UPDATES = 0;
const CLAIM = 4;
const LAST_WRAP = 8;

class LazyPercpuCounter extends LazyRss {
  /** @param {import('@percpu-lab/mm').MmParts} parts @param {number} threshold @param {number} intervalNs */
  constructor(parts, threshold, intervalNs) {
    super(parts);
    this.threshold = threshold;
    this.intervalNs = intervalNs;
  }

  /** @override @param {import('@percpu-lab/mm').Cpu} cpu @param {number} mm */
  create(cpu, mm) {
    if (!super.create(cpu, mm)) return false;
    this.p.m.f64[(mmStrategyPriv(mm) + LAST_WRAP) >> 3] = cpu.now();
    return true;
  }

  /** @override A second thread changes nothing: only the update rate decides. */
  addThread() {}

  /** @override @param {import('@percpu-lab/mm').Cpu} cpu @param {number} mm @param {number} member @param {number} value */
  addRss(cpu, mm, member, value) {
    super.addRss(cpu, mm, member, value);
    if (this.percpuMode(mm)) return;
    const area = mmStrategyPriv(mm);
    const { i32, f64 } = this.p.m;
    if ((Atomics.add(i32, (area + UPDATES) >> 2, 1) + 1) % this.threshold !== 0) return;
    const now = cpu.now();
    const last = f64[(area + LAST_WRAP) >> 3] ?? now;
    f64[(area + LAST_WRAP) >> 3] = now;
    if (now - last >= this.intervalNs) return;
    // Hot: one CPU claims the switch; the others keep adding to the atomics, which every sum still reads.
    cpu.cost('atomic', 1);
    if (Atomics.compareExchange(i32, (area + CLAIM) >> 2, 0, 1) !== 0) return;
    if (!this.switchToPercpu(cpu, mm)) Atomics.store(i32, (area + CLAIM) >> 2, 0);
  }
}

/** The strategy with its knobs; `name` must differ per variant loaded in one run. */
export function lazyPercpuCounter({ name = 'lazy-percpu-counter', threshold = DEFAULT_THRESHOLD, intervalNs = DEFAULT_INTERVAL_NS } = {}) {
  if (!Number.isInteger(threshold) || threshold < 1) throw new RangeError(`threshold must be a positive integer, got ${threshold}`);
  if (!(intervalNs > 0)) throw new RangeError(`intervalNs must be positive, got ${intervalNs}`);
  return defineMmStrategy({
    name,
    description: `rss counters start as atomics and go percpu once ${threshold} updates come within ${intervalNs / 1e6} ms`,
    proposal: "Kent Overstreet's lazy percpu counter: atomic until the update rate crosses a threshold",
    lifetime: 'mm',
    front: directFront,
    state: (parts) => new LazyPercpuCounter(parts, threshold, intervalNs),
  });
}

export default lazyPercpuCounter();
