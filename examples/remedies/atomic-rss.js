// @ts-check
// atomic-rss: the mm before the rss_stat → percpu_counter conversion
// (Linux 6.2, "mm: convert mm's rss stats into percpu_counter"). The rss
// counters are atomics inside mm_struct and need no percpu allocation;
// mm_cid keeps its percpu area. This is the reference the conversion's
// 0-day report measured against when it found the UnixBench spawn
// regression.
//
// Where the model simplifies: the kernel of that time also cached rss
// updates per task (SPLIT_RSS_COUNTING) and folded them into the atomics
// every 64 page faults; here every update is one atomic add on the mm.
// Reading a counter is one atomic load, so check_mm is cheap at any CPU count.
//
// Locks per lifetime: pcpu_alloc_mutex 1, pcpu_lock 2, percpu_counters_lock 0, pgd_lock 2
import { defineMmStrategy, directFront, LazyRss } from '@percpu-lab/mm';

/** LazyRss's single-threaded mode, for every mm and forever: a second thread changes nothing. */
class AtomicRss extends LazyRss {
  /** @override */
  addThread() {}
}

export default defineMmStrategy({
  name: 'atomic-rss',
  description: 'rss counters are atomics in mm_struct (no percpu area for them); mm_cid stays percpu',
  proposal: 'the mm before the rss_stat → percpu_counter conversion (Linux 6.1 and earlier)',
  lifetime: 'mm',
  front: directFront,
  state: (parts) => new AtomicRss(parts),
});
