// Randomised stress against a shadow model: a million allocations and
// frees, sizes 4 B–32 KiB and alignments 4–4096, some atomic and some
// reserved, with balance work at every scheduling point. The shadow keeps
// each chunk's live areas as sorted intervals: every area must be aligned,
// inside its chunk and overlap none; each CPU's copy carries a stamp checked
// at free. verify() runs every few thousand operations; at the end every
// area is freed and every page the allocator took must be accounted for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPendingWork } from '@percpu-lab/machine';
import { bootPercpu, chunkOf, offsetOf } from './helpers.js';
import { GFP_ATOMIC, GFP_KERNEL } from '../src/constants.js';
import { PcpuChunk } from '../src/layout.js';

const OPS = 1_000_000;
const VERIFY_EVERY = 5000;
const GEOMETRY = { unitSize: 262144, staticSize: 8192, reservedSize: 8192, dynSize: 20480 };

/** Live areas of one chunk, sorted by offset: [start, end) pairs. */
class Intervals {
  private starts: number[] = [];
  private ends: number[] = [];

  private find(x: number): number {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Insert [s, e); false if it overlaps a live area. */
  add(s: number, e: number): boolean {
    const i = this.find(s);
    if (i > 0 && this.ends[i - 1]! > s) return false;
    if (i < this.starts.length && this.starts[i]! < e) return false;
    this.starts.splice(i, 0, s);
    this.ends.splice(i, 0, e);
    return true;
  }

  remove(s: number): void {
    const i = this.find(s);
    assert.equal(this.starts[i], s);
    this.starts.splice(i, 1);
    this.ends.splice(i, 1);
  }
}

test('a million random operations keep areas aligned, disjoint and leak-free', () => {
  const { kernel, percpu, cpu } = bootPercpu({ nrCpus: 2, memBytes: 128 * 1024 * 1024, geometry: GEOMETRY });
  const cpus = [cpu(0), cpu(1)];
  const p = percpu.ctx;
  const i32 = kernel.mem.i32;
  let seed = 0x2545f491;
  const rand = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
  const pagesAtBoot = p.pages.stats().nrFree;
  const shadow = new Map<number, Intervals>();
  const live: { ptr: number; size: number; stamp: number }[] = [];
  let stamp = 1;
  let failures = 0;
  for (let op = 0; op < OPS; op++) {
    const c = cpus[op & 1]!;
    if (live.length === 0 || rand() < (live.length < 300 ? 0.55 : 0.45)) {
      const r = rand();
      const size = r < 0.7 ? 4 + Math.floor(rand() * 61) : r < 0.95 ? 64 + Math.floor(rand() * 4033) : 4096 + Math.floor(rand() * 28673);
      const align = rand() < 0.8 ? 4 << Math.floor(rand() * 3) : 4 << Math.floor(rand() * 11);
      const atomic = rand() < 0.05;
      const reserved = rand() < 0.01;
      const ptr = percpu.pcpuAlloc(c, size, align, reserved, atomic ? GFP_ATOMIC : GFP_KERNEL);
      if (ptr === 0) {
        assert.ok(atomic || reserved, `a sleeping ${size}-byte request failed at op ${op}`);
        failures++;
      } else {
        const off = offsetOf(percpu, ptr);
        assert.equal(off % Math.max(align, 4), 0, `misaligned area at op ${op}`);
        const chunk = chunkOf(percpu, ptr);
        assert.ok(off + size <= PcpuChunk.nrPages.get(p.mem, chunk) * 4096);
        let iv = shadow.get(chunk);
        if (iv === undefined) shadow.set(chunk, (iv = new Intervals()));
        assert.ok(iv.add(off, off + Math.ceil(size / 4) * 4), `overlapping area at op ${op}`);
        for (let id = 0; id < 2; id++) {
          const a = percpu.perCpuPtr(ptr, id) >> 2;
          assert.equal(i32[a], 0, 'new areas are zeroed');
          i32[a] = stamp * 2 + id;
        }
        live.push({ ptr, size, stamp: stamp++ });
      }
    } else {
      const k = Math.floor(rand() * live.length);
      const a = live[k]!;
      live[k] = live[live.length - 1]!;
      live.pop();
      for (let id = 0; id < 2; id++) assert.equal(i32[percpu.perCpuPtr(a.ptr, id) >> 2], a.stamp * 2 + id, 'another area overwrote this one');
      shadow.get(chunkOf(percpu, a.ptr))!.remove(offsetOf(percpu, a.ptr));
      percpu.freePercpu(c, a.ptr);
    }
    runPendingWork(c);
    if (op % VERIFY_EVERY === 0) percpu.verify();
  }
  for (const a of live) percpu.freePercpu(cpus[0]!, a.ptr);
  runPendingWork(cpus[0]!);
  percpu.verify();
  const s = percpu.stats();
  assert.equal(s.nrCurAlloc, 0);
  assert.equal(s.nrAlloc, s.nrDealloc);
  assert.equal(s.failed, failures);
  assert.ok(s.nrMaxChunks > 2, 'the run needed several chunks');
  // Every page still taken from the page allocator belongs to a live chunk.
  let owned = 0;
  for (const ch of s.chunks) if (ch.kind !== 'reserved' && ch.kind !== 'first') owned += ch.nrPopulated * 2;
  for (let id = 1; id <= p.maxChunkIds; id++) {
    const chunk = i32[(p.chunkTable >> 2) + id]!;
    if (chunk === 0 || chunk === p.firstChunk || chunk === p.reservedChunk) continue;
    owned += (1 << PcpuChunk.metaOrder.get(p.mem, chunk)) + (1 << PcpuChunk.pageTableOrder.get(p.mem, chunk));
  }
  p.pages.drainAllPages(cpus[0]!);
  assert.equal(pagesAtBoot - p.pages.stats().nrFree, owned, 'pages leaked');
});
