// @ts-check
// ungrouped-rss: the mm of Linux 6.4 and 6.5. Since 6.2 ("mm: convert mm's
// rss stats into percpu_counter") the four rss counters are percpu_counters,
// but each one was set up on its own by percpu_counter_init(): its own
// pcpu_alloc of one s32 (4 B, align 4, GFP_KERNEL_ACCOUNT, so its own memcg
// charge) and its own trip through percpu_counters_lock to join the global
// list; __mmdrop destroyed them one by one, each unlinked under that lock and
// its area given back with free_percpu. 6.4 added mm_cid, a percpu area of
// its own as today. 6.6 grouped the counters into one allocation and one
// list section (percpu_counter_init_many), which is the built-in `baseline`.
//
// Locks per lifetime: pcpu_alloc_mutex 5, pcpu_lock 10, percpu_counters_lock 8, pgd_lock 2
import { defineMmStrategy, directFront, NR_MM_COUNTERS, rssCounterAddr, SeparateAreas } from '@percpu-lab/mm';

/** Today's two areas, except that each rss counter is initialised and destroyed alone. */
class UngroupedCounters extends SeparateAreas {
  /** @override */
  create(cpu, mm) {
    const { cids, counters, front } = this.p;
    if (!cids.mmAllocCid(cpu, mm, front)) return false;
    for (let i = 0; i < NR_MM_COUNTERS; i++) {
      if (counters.percpuCounterInitMany(cpu, rssCounterAddr(mm, i), 0, 1, front)) continue;
      // Unwind as mm_init did: the counters set up so far, then the cid.
      for (let j = i - 1; j >= 0; j--) counters.percpuCounterDestroyMany(cpu, rssCounterAddr(mm, j), 1, front);
      cids.mmDestroyCid(cpu, mm, front);
      return false;
    }
    return true;
  }

  /** @override */
  destroy(cpu, mm) {
    const { cids, counters, front } = this.p;
    cids.mmDestroyCid(cpu, mm, front);
    for (let i = 0; i < NR_MM_COUNTERS; i++) counters.percpuCounterDestroyMany(cpu, rssCounterAddr(mm, i), 1, front);
  }
}

export default defineMmStrategy({
  name: 'ungrouped-rss',
  description: 'mm_cid and four separately initialised rss percpu_counters: five pcpu_alloc calls per mm',
  proposal: 'the mm of Linux 6.4–6.5, before percpu_counter_init_many grouped the counters (6.6)',
  lifetime: 'mm',
  front: directFront,
  state: (parts) => new UngroupedCounters(parts),
});
