// The node partial list (mm/slub.c: add_partial, remove_partial): slabs with
// some free objects that no CPU has frozen. Every function here runs with
// the node's list_lock held; onPartial is the kernel's
// slab_set_node_partial() flag, which lets __slab_free tell a slab on the
// list from one in flight between a CPU and the list.
import type { KernelMemory } from '@percpu-lab/machine';
import { KmemCacheNode, SlabDesc } from './layout.js';

/** Caller holds list_lock. `tail` = DEACTIVATE_TO_TAIL, else to head. */
export function addPartial(m: KernelMemory, n: number, slab: number, tail: boolean): void {
  const head = KmemCacheNode.partialHead.get(m, n);
  const last = KmemCacheNode.partialTail.get(m, n);
  if (head === 0) {
    SlabDesc.next.set(m, slab, 0);
    SlabDesc.prev.set(m, slab, 0);
    KmemCacheNode.partialHead.set(m, n, slab);
    KmemCacheNode.partialTail.set(m, n, slab);
  } else if (tail) {
    SlabDesc.prev.set(m, slab, last);
    SlabDesc.next.set(m, slab, 0);
    SlabDesc.next.set(m, last, slab);
    KmemCacheNode.partialTail.set(m, n, slab);
  } else {
    SlabDesc.next.set(m, slab, head);
    SlabDesc.prev.set(m, slab, 0);
    SlabDesc.prev.set(m, head, slab);
    KmemCacheNode.partialHead.set(m, n, slab);
  }
  SlabDesc.onPartial.set(m, slab, 1);
  KmemCacheNode.nrPartial.set(m, n, KmemCacheNode.nrPartial.get(m, n) + 1);
}

/** Caller holds list_lock; `slab` is on the list. */
export function removePartial(m: KernelMemory, n: number, slab: number): void {
  const next = SlabDesc.next.get(m, slab);
  const prev = SlabDesc.prev.get(m, slab);
  if (prev === 0) KmemCacheNode.partialHead.set(m, n, next);
  else SlabDesc.next.set(m, prev, next);
  if (next === 0) KmemCacheNode.partialTail.set(m, n, prev);
  else SlabDesc.prev.set(m, next, prev);
  SlabDesc.next.set(m, slab, 0);
  SlabDesc.prev.set(m, slab, 0);
  SlabDesc.onPartial.set(m, slab, 0);
  KmemCacheNode.nrPartial.set(m, n, KmemCacheNode.nrPartial.get(m, n) - 1);
}
