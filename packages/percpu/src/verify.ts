// verify(): recompute every invariant of the allocator from the bitmaps and
// compare with what it maintains incrementally: maps (alloc vs bound map,
// hidden edges), free_bytes, every block hint, the chunk hints, populated
// pages and page tables, empty-page counts, slot membership, chunk ids and
// the global counters. Throws PcpuInvariantError describing the first broken
// one. Reads without locks: call it when the CPUs are idle.
//
// Where the kernel deliberately keeps a hint approximate, the check is the
// guarantee the kernel gives, not equality: first_free is a lower bound of
// the first free bit, a scan hint is some free run before the contig hint,
// and the chunk's contig hint is a real free run that may be smaller than
// the largest one (pcpu_block_update_hint_free passes a block offset as the
// end, so frees outside block 0 do not raise it).
import { PAGE_SIZE } from '@percpu-lab/machine';
import { bitmapWeight, findNextBit, findNextZeroBit, testBit } from './bitmap.js';
import { PCPU_BITMAP_BLOCK_BITS as BLOCK_BITS, PCPU_MIN_ALLOC_SIZE, PCPU_SLOT_FAIL_THRESHOLD } from './constants.js';
import type { PcpuMem } from './context.js';
import { PcpuInvariantError } from './errors.js';
import { blockAddr } from './hints.js';
import { BlockMd as B, ListHead, PcpuChunk as C, PcpuGlobals as G } from './layout.js';
import { pcpuChunkSlot } from './slots.js';

class Checker {
  constructor(readonly p: PcpuMem) {}

  fail(what: string): never {
    throw new PcpuInvariantError(`percpu invariant broken: ${what}`);
  }

  check(ok: boolean, what: () => string): void {
    if (!ok) this.fail(what());
  }
}

/** Largest free run, first free bit, and free bits at both edges of bits [base, base + n) of the alloc map. */
function scanRuns(p: PcpuMem, map: number, base: number, n: number) {
  const u32 = p.u32;
  const end = base + n;
  let largest = 0;
  let largestStart = -1;
  const firstZero = findNextZeroBit(u32, map, end, base);
  for (let s = firstZero; s < end; ) {
    const e = findNextBit(u32, map, end, s + 1);
    if (e - s > largest) {
      largest = e - s;
      largestStart = s;
    }
    s = findNextZeroBit(u32, map, end, e + 1);
  }
  const leftFree = (firstZero === base ? findNextBit(u32, map, end, base) : base) - base;
  let rightFree = 0;
  while (rightFree < n && !testBit(u32, map, end - 1 - rightFree)) rightFree++;
  return { largest, largestStart, firstZero, leftFree, rightFree };
}

/** Is [start, start + len) of the alloc map entirely free? */
function allFree(p: PcpuMem, map: number, start: number, len: number): boolean {
  return len <= 0 || findNextBit(p.u32, map, start + len, start) >= start + len;
}

function verifyBlock(c: Checker, chunk: number, index: number): boolean {
  const p = c.p;
  const m = p.mem;
  const block = blockAddr(m, chunk, index);
  const map = C.allocMap.get(m, chunk);
  const base = index * BLOCK_BITS;
  const r = scanRuns(p, map, base, BLOCK_BITS);
  const at = () => `chunk ${chunk} block ${index}`;
  const contig = B.contigHint.get(m, block);
  const contigStart = B.contigHintStart.get(m, block);
  const scan = B.scanHint.get(m, block);
  const scanStart = B.scanHintStart.get(m, block);
  c.check(B.nrBits.get(m, block) === BLOCK_BITS, () => `${at()}: nr_bits ${B.nrBits.get(m, block)}`);
  c.check(contig <= r.largest, () => `${at()}: contig_hint ${contig}, but the largest free run is ${r.largest}`);
  c.check(
    contig === 0 || (contigStart >= 0 && contigStart + contig <= BLOCK_BITS && allFree(p, map, base + contigStart, contig)),
    () => `${at()}: contig hint [${contigStart}, +${contig}) is not free`,
  );
  c.check(B.leftFree.get(m, block) <= r.leftFree, () => `${at()}: left_free ${B.leftFree.get(m, block)}, actual ${r.leftFree}`);
  c.check(B.rightFree.get(m, block) <= r.rightFree, () => `${at()}: right_free ${B.rightFree.get(m, block)}, actual ${r.rightFree}`);
  c.check(
    r.firstZero >= base + BLOCK_BITS || B.firstFree.get(m, block) <= r.firstZero - base,
    () => `${at()}: first_free ${B.firstFree.get(m, block)} is past the first free bit ${r.firstZero - base}`,
  );
  c.check(
    scan === 0 || (scan <= contig && allFree(p, map, base + scanStart, scan) && (scanStart <= contigStart || scan === contig)),
    () => `${at()}: scan hint [${scanStart}, +${scan}) against contig [${contigStart}, +${contig})`,
  );
  return contig === BLOCK_BITS;
}

function verifyChunk(c: Checker, chunk: number): void {
  const p = c.p;
  const m = p.mem;
  const u32 = p.u32;
  const at = `chunk ${chunk} (id ${C.id.get(m, chunk)})`;
  const nrPages = C.nrPages.get(m, chunk);
  const mapBits = nrPages * BLOCK_BITS;
  const allocMap = C.allocMap.get(m, chunk);
  const boundMap = C.boundMap.get(m, chunk);
  const startBits = C.startOffset.get(m, chunk) / PCPU_MIN_ALLOC_SIZE;
  const endBits = mapBits - C.endOffset.get(m, chunk) / PCPU_MIN_ALLOC_SIZE;

  c.check(startBits === 0 || findNextZeroBit(u32, allocMap, startBits, 0) >= startBits, () => `${at}: hidden start is not allocated`);
  c.check(endBits === mapBits || findNextZeroBit(u32, allocMap, mapBits, endBits) >= mapBits, () => `${at}: hidden end is not allocated`);

  // Every run of allocated bits splits into allocations that start at a bound bit.
  let freeBits = 0;
  for (let bit = startBits; bit < endBits; ) {
    if (!testBit(u32, allocMap, bit)) {
      const next = findNextBit(u32, allocMap, endBits, bit);
      freeBits += next - bit;
      bit = next;
      continue;
    }
    c.check(testBit(u32, boundMap, bit), () => `${at}: allocated bit ${bit} starts no allocation in the bound map`);
    const end = findNextBit(u32, boundMap, mapBits, bit + 1);
    c.check(end <= endBits && findNextZeroBit(u32, allocMap, end, bit) >= end, () => `${at}: allocation at bit ${bit} is not wholly allocated up to its bound ${end}`);
    bit = end;
  }
  c.check(C.freeBytes.get(m, chunk) === freeBits * PCPU_MIN_ALLOC_SIZE, () => `${at}: free_bytes ${C.freeBytes.get(m, chunk)}, actual ${freeBits * PCPU_MIN_ALLOC_SIZE}`);

  // Blocks, populated pages, page tables, empty pages.
  const populated = C.populated.get(m, chunk);
  const pt = C.pageTable.get(m, chunk) >> 2;
  let emptyPop = 0;
  for (let i = 0; i < nrPages; i++) {
    const empty = verifyBlock(c, chunk, i);
    const pop = testBit(u32, populated, i);
    if (empty && pop) emptyPop++;
    c.check(pop || empty, () => `${at}: unpopulated page ${i} holds allocations`);
    for (let u = 0; u < p.nrUnits; u++) {
      const entry = p.i32[pt + i * p.nrUnits + u]!;
      c.check(pop ? entry > 0 && entry % PAGE_SIZE === 0 : entry === 0, () => `${at}: page table entry of page ${i} unit ${u} is ${entry} but the page is ${pop ? '' : 'not '}populated`);
    }
  }
  c.check(C.nrPopulated.get(m, chunk) === bitmapWeight(u32, populated, nrPages), () => `${at}: nr_populated ${C.nrPopulated.get(m, chunk)}, bitmap says ${bitmapWeight(u32, populated, nrPages)}`);
  c.check(C.nrEmptyPopPages.get(m, chunk) === emptyPop, () => `${at}: nr_empty_pop_pages ${C.nrEmptyPopPages.get(m, chunk)}, actual ${emptyPop}`);

  // chunk_md
  const md = C.chunkMd.addr(chunk);
  const r = scanRuns(p, allocMap, 0, mapBits);
  const contig = B.contigHint.get(m, md);
  const contigStart = B.contigHintStart.get(m, md);
  const scan = B.scanHint.get(m, md);
  c.check(B.nrBits.get(m, md) === mapBits, () => `${at}: chunk nr_bits ${B.nrBits.get(m, md)}`);
  c.check(contig <= r.largest && allFree(p, allocMap, contigStart, contig), () => `${at}: chunk contig hint [${contigStart}, +${contig}) is not a free run (largest is ${r.largest})`);
  c.check(r.firstZero >= mapBits || B.firstFree.get(m, md) <= r.firstZero, () => `${at}: chunk first_free ${B.firstFree.get(m, md)} past first free bit ${r.firstZero}`);
  c.check(scan === 0 || (scan <= contig && allFree(p, allocMap, B.scanHintStart.get(m, md), scan)), () => `${at}: chunk scan hint is not a free run within the contig hint`);
  c.check(C.nrAlloc.get(m, chunk) >= 0, () => `${at}: nr_alloc ${C.nrAlloc.get(m, chunk)}`);
}

export function pcpuVerify(p: PcpuMem): void {
  const c = new Checker(p);
  const m = p.mem;
  const seen = new Set<number>();
  let emptyPop = 0;
  let populated = 0;
  for (let slot = 0; slot < p.nrSlots; slot++) {
    const head = p.slotHead(slot);
    for (let pos = ListHead.next.get(m, head), prev = head; pos !== head; prev = pos, pos = ListHead.next.get(m, pos)) {
      c.check(ListHead.prev.get(m, pos) === prev, () => `slot ${slot}: list links broken at ${pos}`);
      const chunk = pos - C.list.offset;
      c.check(!seen.has(chunk) && seen.size < p.maxChunkIds, () => `chunk ${chunk} is on the slot lists twice (or the lists loop)`);
      seen.add(chunk);
      const want = pcpuChunkSlot(p, chunk);
      const isolated = C.isolated.get(m, chunk) !== 0;
      c.check(
        isolated
          ? slot === p.toDepopulateSlot || slot === p.sidelinedSlot
          : slot === want || slot === p.sidelinedSlot || (slot === 0 && want < PCPU_SLOT_FAIL_THRESHOLD),
        () => `chunk ${chunk} (${isolated ? 'isolated' : `slot ${want} by its hints`}) sits on slot ${slot}`,
      );
      verifyChunk(c, chunk);
      if (!isolated) emptyPop += C.nrEmptyPopPages.get(m, chunk);
      if (chunk !== p.firstChunk) populated += C.nrPopulated.get(m, chunk);
    }
  }
  c.check(seen.has(p.firstChunk), () => 'the first chunk is on no slot list');
  if (p.reservedChunk !== 0) {
    c.check(!seen.has(p.reservedChunk), () => 'the reserved chunk is on a slot list');
    verifyChunk(c, p.reservedChunk);
  }
  let ids = 0;
  for (let id = 1; id <= p.maxChunkIds; id++) {
    const chunk = p.i32[(p.chunkTable >> 2) + id]!;
    if (chunk === 0) continue;
    ids++;
    c.check(C.id.get(m, chunk) === id && (seen.has(chunk) || chunk === p.reservedChunk), () => `chunk id ${id} names ${chunk}, which is not a live chunk with that id`);
    c.check(p.i32[(p.pageTables >> 2) + id] === C.pageTable.get(m, chunk), () => `page table of chunk id ${id} is not the chunk's`);
  }
  c.check(ids === seen.size + (p.reservedChunk !== 0 ? 1 : 0), () => `${ids} chunk ids in use for ${seen.size} chunks`);
  c.check(G.nrChunks.get(m, p.g) === seen.size, () => `nr_chunks ${G.nrChunks.get(m, p.g)}, ${seen.size} chunks on the slots`);
  c.check(G.nrEmptyPopPages.get(m, p.g) === emptyPop, () => `pcpu_nr_empty_pop_pages ${G.nrEmptyPopPages.get(m, p.g)}, chunks sum to ${emptyPop}`);
  const boot = Math.floor((G.staticSize.get(m, p.g) + G.reservedSize.get(m, p.g) + G.dynSize.get(m, p.g)) / PAGE_SIZE);
  c.check(G.nrPopulated.get(m, p.g) >= boot && G.nrPopulated.get(m, p.g) - boot === populated, () => `pcpu_nr_populated ${G.nrPopulated.get(m, p.g)}, expected ${boot} + ${populated}`);
}
