// A doexec cycle allocates pages (anonymous folios, page tables), VMAs,
// LRU entries, i_mmap entries and memcg charges, and its exit_mmap and
// __mmdrop give every one of them back: after many cycles the page
// allocator holds what it held after the first, no folio is left on an LRU
// list, every file's i_mmap is empty, the rss counters were zero at every
// check_mm (a non-zero one throws), and the memcg is charged only the pages
// its per-CPU stock keeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nrNodes, PageAllocator } from '@percpu-lab/machine';
import { BINARY_IMAGES, Lru, Mapping, MEMCG_CHARGE_BATCH, MemcgCharge } from '../src/index.js';
import { bootExec, execCycle } from './helpers.js';

for (const binary of ['static', 'dynamic'] as const) {
  test(`${binary}: pages, LRU entries, i_mmap entries and memcg charges all come back`, () => {
    const m = bootExec('baseline', binary);
    const cpu = m.cpus[0]!;
    const pages = new PageAllocator(m.kernel);
    execCycle(cpu, m.ops.baseline!, m.execs[0]!);
    const free = () => { const s = pages.stats(); return s.nrFree + s.inPcp; };
    const after1 = free();
    for (let i = 0; i < 40; i++) execCycle(cpu, m.ops.baseline!, m.execs[0]!);
    assert.equal(free(), after1, 'free pages after 41 cycles equal those after the first');
    const lru = new Lru(m.kernel, pages);
    lru.lruAddDrain(cpu);
    for (let n = 0; n < nrNodes(m.kernel); n++) assert.equal(lru.nrLruFolios(n), 0, `node ${n}'s LRU is empty`);
    const table = m.kernel.symbol(`exec_files:${binary}`) >> 2;
    for (let i = 0; i < BINARY_IMAGES[binary].files.length; i++) {
      assert.equal(new Mapping(m.kernel, m.kernel.mem.i32[table + i]!).nrMmap, 0, `${BINARY_IMAGES[binary].files[i]!.name}'s i_mmap is empty`);
    }
    const usage = new MemcgCharge(m.kernel).usage;
    assert.ok(usage >= 0 && usage <= MEMCG_CHARGE_BATCH, `memcg usage ${usage} is what one CPU's stock holds`);
  });
}
