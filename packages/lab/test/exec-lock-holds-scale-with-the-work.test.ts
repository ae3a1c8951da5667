// The exec path's shared locks are engine locks like any other, and on the
// virtual engine their hold times are the work done inside them:
//  - lruvec->lru_lock is held for one lruvec_add_folio per folio a drain
//    moves and one lruvec_del_folio per folio a chunk frees, so its total
//    hold per cycle is 2 × (anonymous folios per cycle) × lruFolioNs: 14 for
//    the static binary, 25 for the dynamic one;
//  - mapping->i_mmap_rwsem is held for one interval-tree walk per VMA linked
//    or unlinked, ~log2 of the VMAs in the tree: libc's tree holds four VMAs
//    of every process, so with more processes each section is longer.
// Both show in lock_stat, the JSON and the time split's lock waits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProfile } from '../src/cost-model/index.js';
import { runScenario } from '../src/scenario/run.js';
import { loadScenario } from '../src/scenario/load.js';
import type { ResultPoint } from '../src/results/schema.js';

const LRU = 'lruvec->lru_lock';
const IMMAP = 'mapping->i_mmap_rwsem';
const profile = loadProfile('kernel');

async function point(binary: string, cpus: number): Promise<ResultPoint> {
  const s = await loadScenario({ engine: 'virtual', strategy: 'baseline', cpus: String(cpus), ops: '200', warmup: '20', binary, 'work-ns': '0' });
  const r = await runScenario(s, { log() {} });
  assert.equal(r.status, 'complete', r.failure?.message);
  return r.points[0]!;
}

/** Total hold time of a lock class per mm lifetime (ns). */
const holdPerLifetime = (p: ResultPoint, lock: string): number => p.locks[lock]!.holdTotalNs / p.lifetimes;

test('lru_lock is held for exactly one list operation per folio the cycle moves and frees', async () => {
  for (const [binary, folios] of [['static', 14], ['dynamic', 25]] as const) {
    const p = await point(binary, 1);
    assert.ok(Math.abs(holdPerLifetime(p, LRU) - 2 * folios * profile.lruFolioNs) < 1e-6, `${binary}: ${holdPerLifetime(p, LRU)} ns held per lifetime`);
  }
});

test('a shared library\'s i_mmap_rwsem sections grow with the processes that map it', async () => {
  const one = await point('dynamic', 1);
  const eight = await point('dynamic', 8);
  const mean = (p: ResultPoint) => p.locks[IMMAP]!.holdTotalNs / p.locks[IMMAP]!.acquisitions;
  assert.ok(mean(eight) > mean(one), `mean hold ${mean(one).toFixed(1)} ns at 1 CPU, ${mean(eight).toFixed(1)} ns at 8`);
  for (const p of [one, eight]) assert.ok(p.timeSplit !== null && LRU in p.locks && IMMAP in p.locks);
});
