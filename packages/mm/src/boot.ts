// Boot of what every mm strategy shares: the global percpu_counters list and
// its lock, swapper_pg_dir, pgd_list and pgd_lock. Each strategy's boot calls
// it; the first call does the work. Needs pcpuBoot() first.
import type { Kernel } from '@percpu-lab/machine';
import { percpuCounterBoot } from './percpu-counter.js';
import { pgdBoot } from './pgd.js';

export function mmBoot(kernel: Kernel): void {
  percpuCounterBoot(kernel);
  pgdBoot(kernel);
}
