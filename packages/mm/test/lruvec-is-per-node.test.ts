// Every doexec process runs in one memcg, so the lruvec a folio goes to is
// that memcg's on the folio's node, and pages are allocated on the
// allocating CPU's node: on a two-socket machine a CPU of socket 1 fills
// node 1's lruvec, never node 0's, and both nodes' lru_lock is the same
// lock class.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuToNode, PageAllocator, pageToNid } from '@percpu-lab/machine';
import { Lru, PAGEVEC_SIZE } from '../src/index.js';
import { bootExec } from './helpers.js';

test('folios of a CPU on node 1 go to node 1 lruvec, through its per-CPU batch', () => {
  const m = bootExec('baseline', 'static', 4, 2);
  const cpu = m.cpus.find((c) => cpuToNode(m.kernel, c.id) === 1)!;
  const pages = new PageAllocator(m.kernel);
  const lru = new Lru(m.kernel, pages);
  const folios = Array.from({ length: 5 }, () => pages.pageOf(pages.allocPages(cpu, 0)));
  for (const f of folios) assert.equal(pageToNid(m.kernel.mem, f), 1);
  for (const f of folios) lru.folioAddLru(cpu, f);
  assert.deepEqual([lru.nrLruFolios(0), lru.nrLruFolios(1)], [0, 0], 'still in the CPU batch');
  lru.lruAddDrain(cpu);
  assert.deepEqual([lru.nrLruFolios(0), lru.nrLruFolios(1)], [0, 5]);
  // A full batch moves by itself.
  for (let i = 0; i < PAGEVEC_SIZE; i++) lru.folioAddLru(cpu, pages.pageOf(pages.allocPages(cpu, 0)));
  assert.equal(lru.nrLruFolios(1), 5 + PAGEVEC_SIZE);
});
