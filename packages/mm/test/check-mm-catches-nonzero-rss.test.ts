import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRssCounter, listStrategies, MM_ANONPAGES, MM_SWAPENTS } from '../src/index.js';
import { bootMm } from './helpers.js';

for (const { name } of listStrategies()) {
  test(`${name}: check_mm catches an rss counter left non-zero, and the mm survives for a retry`, () => {
    const m = bootMm({ nrCpus: 2, strategies: [name] });
    const [c0, c1] = [m.cpus[0]!, m.cpus[1]!];
    const ops = m.ops[name]!;
    const before = m.percpu.stats().nrCurAlloc;
    const mm = ops.mmAlloc(c0);
    ops.addMmCounter(c0, mm, MM_ANONPAGES, 100);
    ops.addMmCounter(c1, mm, MM_ANONPAGES, -99);
    ops.addMmCounter(c1, mm, MM_SWAPENTS, -2);
    assert.equal(ops.getMmCounterSum(c0, mm, MM_ANONPAGES), 1);
    assert.throws(
      () => ops.mmdrop(c0, mm),
      (e: unknown) =>
        e instanceof BadRssCounter &&
        e.mm === mm &&
        JSON.stringify(e.bad) === JSON.stringify([['MM_ANONPAGES', 1], ['MM_SWAPENTS', -2]]) &&
        /type:MM_ANONPAGES val:1/.test(e.message),
    );
    ops.addMmCounter(c1, mm, MM_ANONPAGES, -1);
    ops.addMmCounter(c0, mm, MM_SWAPENTS, 2);
    ops.mmdrop(c0, mm);
    ops.drainCaches!(c0);
    ops.drainCaches!(c1);
    assert.equal(m.percpu.stats().nrCurAlloc, before, 'everything the mm held was freed');
    m.percpu.verify();
  });
}
