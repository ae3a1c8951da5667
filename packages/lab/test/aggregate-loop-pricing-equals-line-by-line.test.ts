// Loops over CPUs priced in aggregate (engine/virtual/unit-columns.ts) give
// what the line-by-line reference gives, exactly: two cache contexts, one of
// each, take the same random mix of loops over CPUs (one or two lines per
// unit, some running past the page), single accesses to a CPU's own slot or
// another's, lock words in unit pages, streaming, and rows repopulated with
// other pages (some taken from other rows, some left in a row twice); after
// every operation the lines by state and the prices agree, and so do every CPU's streamed
// bytes (every later price depends on them), and at the end every line of every page ever used is found in
// the same place by a probe. Small caches make loops cross the eviction
// thresholds while they run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_SIZE } from '@percpu-lab/machine';
import { VirtualContext } from '../src/engine/virtual/context.js';
import { LINE_STATES, loadProfile, parseProfile, type CostProfile } from '../src/cost-model/index.js';
import { roundProfileJson } from './fixtures/virtual-machine.js';

const MEM = 4 << 20;
const PAGES = MEM / PAGE_SIZE;

/** A seeded generator (xorshift32), so a failure names its seed. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
}

function smallCaches(privateBytes: number, llcPerCore: number): CostProfile {
  const json = roundProfileJson();
  json.costs['privateCacheBytes'] = { value: privateBytes, source: 'test' };
  json.costs['llcBytesPerCore'] = { value: llcPerCore, source: 'test' };
  json.costs['llcHitNs'] = { value: 7, source: 'test' };
  return parseProfile(json, 'small caches');
}

interface Case {
  seed: number;
  cpus: number;
  sockets: number;
  threadsPerCore: number;
  busy: number;
  profile: CostProfile;
  ops: number;
}

function run(c: Case): void {
  const r = rng(c.seed);
  const topology = { machineCpus: c.cpus, sockets: c.sockets, threadsPerCore: c.threadsPerCore };
  const exact = new VirtualContext(c.profile, MEM, topology, c.busy, { exactLoops: true });
  // Aggregate on every machine size here, the small ones too.
  const agg = new VirtualContext(c.profile, MEM, topology, c.busy, { aggregateFrom: 1 });
  // Page-table rows live in an array of their own; the pages they name are lines of the contexts' memory.
  const rows = 3;
  const table = new Int32Array(rows * c.cpus);
  // Not the last page: a loop that runs past its page reads the next one.
  const fresh = (): number => (1 + r(PAGES - 2)) * PAGE_SIZE;
  for (let i = 0; i < table.length; i++) table[i] = fresh();
  const used = new Set<number>(table);
  const busy = (): number => r(c.busy);
  const ca = new Float64Array(LINE_STATES);
  const cb = new Float64Array(LINE_STATES);
  const where = (op: number, what: string) => `seed ${c.seed}, op ${op}: ${what}`;
  for (let op = 0; op < c.ops; op++) {
    const kind = r(100);
    if (kind < 45) {
      const cpu = busy();
      const row = r(rows) * c.cpus;
      const off = r(16) < 15 ? r(64) * 64 + 4 * r(16) : PAGE_SIZE - 8;
      const bytes = [4, 8, 16, 32, 48, 64, 100][r(7)]!;
      // Now and then a loop over fewer units than the row has.
      const n = r(20) === 0 ? c.cpus - 1 : c.cpus;
      ca.fill(0);
      cb.fill(0);
      exact.takeUnitLines(cpu, table, row, off, bytes, n, ca);
      agg.takeUnitLines(cpu, table, row, off, bytes, n, cb);
      assert.deepEqual([...cb], [...ca], where(op, `loop by CPU ${cpu} over row ${row / c.cpus} at ${off}+${bytes}`));
    } else if (kind < 65) {
      const cpu = busy();
      const home = r(4) === 0 ? busy() : cpu;
      const addr = table[r(rows) * c.cpus + home]! + r(PAGE_SIZE - 16);
      const bytes = 1 + r(16);
      assert.equal(agg.takeLines(cpu, home, addr, bytes), exact.takeLines(cpu, home, addr, bytes), where(op, `CPU ${cpu} takes ${addr}`));
    } else if (kind < 75) {
      const cpu = busy();
      const addr = r(2) === 0 ? table[r(table.length)]! + r(PAGE_SIZE) : fresh() + r(PAGE_SIZE);
      const reload = r(2) === 0;
      assert.equal(agg.lockLine(cpu, addr, reload), exact.lockLine(cpu, addr, reload), where(op, `lock word ${addr} by CPU ${cpu}`));
    } else if (kind < 95) {
      const cpu = busy();
      const bytes = 64 * r(2 * c.profile.privateCacheBytes / 64);
      exact.stream(cpu, bytes);
      agg.stream(cpu, bytes);
    } else {
      // Repopulation: a row names other pages, some of them another row's or its own in another unit.
      const row = r(rows) * c.cpus;
      for (let u = 0; u < c.cpus; u++) {
        const pick = r(10);
        table[row + u] = pick === 0 ? table[r(table.length)]! : fresh();
        used.add(table[row + u]!);
      }
      exact.unitPagesChanged();
      agg.unitPagesChanged();
    }
  }
  // Every line of every page used, probed by each busy CPU after a little streaming: the same place in both.
  for (const page of used) {
    for (let l = 0; l < PAGE_SIZE; l += 64) {
      const cpu = busy();
      assert.equal(agg.takeLines(cpu, cpu, page + l, 1), exact.takeLines(cpu, cpu, page + l, 1), `seed ${c.seed}: probe of ${page + l}`);
    }
  }
}

const kernel = loadProfile('kernel');

test('aggregate loops equal line-by-line ones on a 64-CPU 2-socket SMT machine, kernel profile', () => {
  for (let seed = 1; seed <= 6; seed++) run({ seed, cpus: 64, sockets: 2, threadsPerCore: 2, busy: 64, profile: kernel, ops: 400 });
});

test('aggregate loops equal line-by-line ones when loops cross the eviction thresholds as they run', () => {
  // 2 KiB of private cache and 4 KiB of LLC per core: a loop over 16 units streams past both.
  const tiny = smallCaches(2048, 4096);
  for (let seed = 1; seed <= 12; seed++) {
    const shape = [
      { cpus: 16, sockets: 2, threadsPerCore: 2 },
      { cpus: 12, sockets: 1, threadsPerCore: 1 },
      { cpus: 64, sockets: 2, threadsPerCore: 2 },
    ][seed % 3]!;
    run({ seed, ...shape, busy: 1 + (seed * 7) % shape.cpus, profile: tiny, ops: 600 });
  }
});

test('a profile with a free miss prices every loop line by line, still equal', () => {
  const free = parseProfile({ ...roundProfileJson(), costs: { ...roundProfileJson().costs, lineTransferSmtNs: { value: 0, source: 'test' } } }, 'free smt');
  run({ seed: 3, cpus: 16, sockets: 2, threadsPerCore: 2, busy: 16, profile: free, ops: 300 });
});
