// /sys/kernel/slab/<cache>/validate: walk what can be reached (every CPU's
// active slab and the node partial list) and check that freelists, counters
// and list links agree. Call only while no CPU uses the cache.
import type { Kernel } from '@percpu-lab/machine';
import { SlabCorrupted } from './errors.js';
import { KmemCacheCpu, KmemCacheDesc, KmemCacheNode, SlabDesc, wordFreeIdx, wordFrozen, wordInuse } from './layout.js';
import { cacheAddr } from './stats.js';

export interface SlabValidation {
  /** Slabs walked: active slabs of CPUs plus partial slabs. */
  slabsChecked: number;
  /** Free objects found on CPU freelists and slab freelists. */
  freeObjects: number;
}

export function validateSlabCache(kernel: Kernel, name: string): SlabValidation {
  const m = kernel.mem;
  const s = cacheAddr(kernel, name);
  const size = KmemCacheDesc.slabSize.get(m, s);
  const offset = KmemCacheDesc.offset.get(m, s);
  const objStart = KmemCacheDesc.objStart.get(m, s);
  const objects = KmemCacheDesc.objects.get(m, s);
  const node = KmemCacheDesc.node.get(m, s);
  const cpuSlab = KmemCacheDesc.cpuSlab.get(m, s);
  const fail = (what: string): never => {
    throw new SlabCorrupted(`${name}: ${what}`);
  };

  /** Count a freelist starting at `obj`, checking every entry lies in `slab`. */
  const walk = (slab: number, obj: number, seen: Set<number>): number => {
    let n = 0;
    for (let p = obj; p !== 0; p = m.i32[(p + offset) >> 2]!) {
      const rel = p - slab - objStart;
      if (rel < 0 || rel % size !== 0 || rel / size >= objects) fail(`freelist of slab ${slab} points outside it (${p})`);
      if (seen.has(p)) fail(`object ${p} is on a freelist twice`);
      seen.add(p);
      if (++n > objects) fail(`freelist of slab ${slab} loops`);
    }
    return n;
  };
  const objAt = (slab: number, idx: number): number => (idx === 0 ? 0 : slab + objStart + (idx - 1) * size);

  let slabsChecked = 0;
  let freeObjects = 0;
  for (let cpu = 0; cpu < kernel.nrCpus; cpu++) {
    const c = cpuSlab + cpu * KmemCacheCpu.size;
    const slab = KmemCacheCpu.slab.get(m, c);
    const freelist = KmemCacheCpu.freelist.get(m, c);
    if (slab === 0) {
      if (freelist !== 0) fail(`CPU ${cpu} has a freelist but no active slab`);
      continue;
    }
    const w = m.i32[(slab >> 2) + (SlabDesc.freelistCounters.offset >> 2)]!;
    if (SlabDesc.cache.get(m, slab) !== s) fail(`CPU ${cpu}'s active slab belongs to another cache`);
    if (!wordFrozen(w)) fail(`CPU ${cpu}'s active slab is not frozen`);
    if (SlabDesc.onPartial.get(m, slab) !== 0) fail(`CPU ${cpu}'s active slab is on the partial list`);
    // A frozen slab counts the CPU's freelist as in use; only remote frees lower inuse.
    const seen = new Set<number>();
    const onCpu = walk(slab, freelist, seen);
    const onSlab = walk(slab, objAt(slab, wordFreeIdx(w)), seen);
    if (onSlab !== objects - wordInuse(w)) fail(`CPU ${cpu}'s slab: ${onSlab} remote frees but inuse says ${objects - wordInuse(w)}`);
    if (onCpu > wordInuse(w)) fail(`CPU ${cpu}'s freelist holds more objects than its slab counts in use`);
    freeObjects += onCpu + onSlab;
    slabsChecked++;
  }

  let count = 0;
  let prev = 0;
  for (let slab = KmemCacheNode.partialHead.get(m, node); slab !== 0; slab = SlabDesc.next.get(m, slab)) {
    if (++count > KmemCacheNode.nrSlabs.get(m, node)) fail('partial list loops');
    if (SlabDesc.prev.get(m, slab) !== prev) fail(`partial list back link of slab ${slab} is wrong`);
    if (SlabDesc.cache.get(m, slab) !== s) fail(`partial slab ${slab} belongs to another cache`);
    if (SlabDesc.onPartial.get(m, slab) !== 1) fail(`partial slab ${slab} is not flagged as on the list`);
    const w = m.i32[(slab >> 2) + (SlabDesc.freelistCounters.offset >> 2)]!;
    if (wordFrozen(w)) fail(`partial slab ${slab} is frozen`);
    const free = walk(slab, objAt(slab, wordFreeIdx(w)), new Set());
    if (free === 0) fail(`partial slab ${slab} has no free object`);
    if (free !== objects - wordInuse(w)) fail(`slab ${slab}: ${free} objects on its freelist but inuse says ${objects - wordInuse(w)} free`);
    freeObjects += free;
    prev = slab;
    slabsChecked++;
  }
  if (count !== KmemCacheNode.nrPartial.get(m, node)) fail(`nr_partial is ${KmemCacheNode.nrPartial.get(m, node)} but ${count} slabs are on the list`);
  if (KmemCacheNode.partialTail.get(m, node) !== prev) fail('partial list tail is wrong');
  if (KmemCacheNode.totalObjects.get(m, node) !== KmemCacheNode.nrSlabs.get(m, node) * objects) {
    fail('total_objects does not match nr_slabs × objects per slab');
  }
  return { slabsChecked, freeObjects };
}
