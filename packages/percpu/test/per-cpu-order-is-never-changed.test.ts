// Order reconstruction moves allocations only across other CPUs' events:
// on a generated 4-CPU trace with many late-logged allocations, every event
// is applied exactly once and each CPU's events in the order it logged
// them, while allocations do move.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateTrace } from '../src/replay/generate.js';
import { parseTrace } from '../src/replay/parse.js';
import { parsePrelude } from '../src/replay/prelude.js';
import { Replayer } from '../src/replay/replayer.js';

const GEOMETRY = { unitSize: 65536, staticSize: 20000, reservedSize: 8192, dynSize: 20480, nrPossible: 4 };

test("the applied order keeps every CPU's own order", () => {
  const gen = generateTrace({ geometry: GEOMETRY, ops: 6000, seed: 11, preludeAllocs: 30, lateLogging: 0.05, atomicShare: 0.05, targetLive: 400 });
  const parsed = parseTrace(gen.trace);
  const replayer = new Replayer({ geometry: GEOMETRY, prelude: parsePrelude(gen.prelude) });
  const r = replayer.run(parsed);
  const order = replayer.appliedOrder()!;
  assert.ok(gen.counts.late > 100);
  assert.ok(r.order!.moved > 0, 'allocations were moved');
  assert.deepEqual([...order].sort((a, b) => a - b), parsed.events.map((_, i) => i), 'every event applied once');
  const last = new Map<number, number>();
  let crossed = 0;
  order.forEach((i, k) => {
    const cpu = parsed.events[i]!.cpu;
    assert.ok((last.get(cpu) ?? -1) < i, `CPU ${cpu}: event ${i} applied after a later one of its own`);
    last.set(cpu, i);
    if (k > 0 && order[k - 1]! > i) crossed++;
  });
  assert.ok(crossed > 0, 'the order differs from the logged one');
  assert.equal(r.order!.perTaskOrderKept, true);
});
