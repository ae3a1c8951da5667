// slowed-baseline: today's kernel (the built-in `baseline`) plus pure
// computation on every mm lifetime, for measuring the threads regression
// gate (scripts/gate-rates.mjs). The extra work is cpu.spend() of
// PERCPU_LAB_GATE_SLOWDOWN_NS nanoseconds in mm_init, after both percpu
// allocations returned and with no lock held: it takes no lock, changes no
// code path and no count the gate judges by value, so only the timing can
// reveal it. The file is the same whether the slowdown is on or off (the
// environment variable sets it, read once per process and per worker), so a
// run with it and a run without compare as the same strategy code.
//
// Locks per lifetime: pcpu_alloc_mutex 2, pcpu_lock 4, percpu_counters_lock 2, pgd_lock 2 (as baseline)
import { defineMmStrategy, directFront, SeparateAreas } from '@percpu-lab/mm';

const SLOWDOWN_NS = Number(process.env.PERCPU_LAB_GATE_SLOWDOWN_NS ?? 0);
if (!(SLOWDOWN_NS >= 0)) throw new Error(`PERCPU_LAB_GATE_SLOWDOWN_NS must be a number of nanoseconds, got ${process.env.PERCPU_LAB_GATE_SLOWDOWN_NS}`);

class SlowedSeparateAreas extends SeparateAreas {
  /** @override */
  create(cpu, mm) {
    if (!super.create(cpu, mm)) return false;
    cpu.spend(SLOWDOWN_NS);
    return true;
  }
}

export default defineMmStrategy({
  name: 'slowed-baseline',
  description: 'baseline with PERCPU_LAB_GATE_SLOWDOWN_NS of pure computation per mm lifetime (0 when unset), outside every lock',
  proposal: 'none: a known slowdown for measuring the threads regression gate',
  lifetime: 'mm',
  front: directFront,
  state: (parts) => new SlowedSeparateAreas(parts),
});
