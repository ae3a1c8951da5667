// @ts-check
// grouped-cached: the order Mathieu Desnoyers suggested for the mm percpu
// cost. First merge mm_cid and the rss counters into one percpu area (the
// built-in `grouped`: one pcpu_alloc round trip instead of two), then cache
// that area so steady-state process churn never reaches the percpu
// allocator. The cache here is the per-CPU object cache in front of
// pcpu_alloc (objCacheFront, the built-in `pcpu-cache`'s front): the 32-byte
// grouped area is one size class, popped and pushed without a lock, with
// pcpu_alloc_mutex taken once per refill batch.
//
// Where the model simplifies: the area is zeroed in every CPU's unit on each
// reuse (the front keeps alloc_percpu's promise), and the counters are still
// linked on and unlinked from the global percpu_counters list under
// percpu_counters_lock every lifetime, as percpu_counter_init_many does. To
// cache the area with the mm_struct slab object instead (the destructor
// RFC's way), set `lifetime: 'object'` and `front: directFront` below.
//
// Locks per lifetime: pcpu_alloc_mutex 0, pcpu_lock 0, percpu_counters_lock 2, pgd_lock 2
import { defineMmStrategy, GroupedArea, objCacheFront } from '@percpu-lab/mm';

export default defineMmStrategy({
  name: 'grouped-cached',
  description: 'mm_cid and rss counters in one percpu area, served by a per-CPU cache of such areas',
  proposal: "Mathieu Desnoyers' order: group the mm's percpu data, then cache the group",
  lifetime: 'mm',
  front: objCacheFront,
  state: (parts) => new GroupedArea(parts),
});
