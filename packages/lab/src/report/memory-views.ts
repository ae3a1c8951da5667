// The percpu and slab views of one point as text: what
// /sys/kernel/debug/percpu_stats and /proc/meminfo say about percpu memory,
// and a slabinfo-like table with the CONFIG_SLUB_STATS counters.
import type { ResultPoint } from '../results/schema.js';
import { textTable } from './table.js';
import { bytes } from './units.js';

export function percpuLines(p: ResultPoint, indent = '  '): string[] {
  const v = p.percpu;
  const hist = v.sizeHistogram.map((b) => `<=${b.le}B:${b.count}`).join(' ');
  return [
    `${indent}chunks ${v.chunks} (max ${v.maxChunks}), populated ${v.populatedPages} pages/unit, Percpu: ${bytes(v.bytesInUse)}, ` +
      `parked in caches ${bytes(v.bytesParked)}, empty populated pages ${v.emptyPopPages}`,
    `${indent}allocations ${v.allocations}, frees ${v.frees}, live ${v.liveAllocations} (max ${v.maxLiveAllocations}), ` +
      `failed ${v.failed}, warnings ${v.warnings}`,
    `${indent}size histogram: ${hist === '' ? '(none)' : hist}`,
  ];
}

export function slabLines(p: ResultPoint, indent = '  '): string[] {
  if (p.slab.length === 0) return [`${indent}(no slab caches)`];
  return textTable([
    { title: 'cache' }, { title: 'objsize', right: true }, { title: 'objs/slab', right: true }, { title: 'order', right: true },
    { title: 'active', right: true }, { title: 'total', right: true }, { title: 'slabs', right: true }, { title: 'partial', right: true },
    { title: 'alloc fast/slow', right: true }, { title: 'free fast/slow', right: true }, { title: 'built/freed', right: true },
    { title: 'ctor/dtor', right: true },
  ], p.slab.map((s) => [
    s.cache, s.objectSize, s.objsPerSlab, s.order, s.objects, s.totalObjects, s.slabs, s.partial,
    `${s.allocFastpath}/${s.allocSlowpath}`, `${s.freeFastpath}/${s.freeSlowpath}`, `${s.slabsBuilt}/${s.slabsFreed}`,
    `${s.ctorCalls}/${s.dtorCalls}`,
  ]), indent);
}
