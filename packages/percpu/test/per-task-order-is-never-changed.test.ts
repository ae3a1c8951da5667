// Order reconstruction moves events only across other sequences' events (a
// task's, or a CPU's interrupt context): on a generated 4-CPU trace with
// many late-logged allocations, several CPUs' at once, and softirq frees
// before late lines, every event is applied exactly once and each task's
// events in the order they were logged, while allocations do move, and
// across events of their own CPU too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateTrace } from '../src/replay/generate.js';
import { parseTrace } from '../src/replay/parse.js';
import { parsePrelude } from '../src/replay/prelude.js';
import { Replayer } from '../src/replay/replayer.js';
import { sequenceOf } from '../src/replay/events.js';

const GEOMETRY = { unitSize: 65536, staticSize: 20000, reservedSize: 8192, dynSize: 20480, nrPossible: 4 };

test("the applied order keeps every task's own order", () => {
  const gen = generateTrace({
    geometry: GEOMETRY, ops: 6000, seed: 11, preludeAllocs: 30, lateLogging: 0.05, lateBy: 3, lateAtOnce: 2, irqFrees: 0.05, atomicShare: 0.05, targetLive: 400,
  });
  const parsed = parseTrace(gen.trace);
  const replayer = new Replayer({ geometry: GEOMETRY, prelude: parsePrelude(gen.prelude) });
  const r = replayer.run(parsed);
  const order = replayer.appliedOrder();
  assert.ok(gen.counts.late > 100);
  assert.ok(r.order!.moved > 0, 'allocations were moved');
  assert.deepEqual([...order].sort((a, b) => a - b), parsed.events.map((_, i) => i), 'every event applied once');
  const last = new Map<string, number>();
  const lastOfCpu = new Map<number, number>();
  let crossed = 0;
  let crossedOwnCpu = 0;
  order.forEach((i, k) => {
    const e = parsed.events[i]!;
    const seq = sequenceOf(e);
    assert.ok((last.get(seq) ?? -1) < i, `${seq}: event ${i} applied after a later one of its own`);
    last.set(seq, i);
    if (k > 0 && order[k - 1]! > i) crossed++;
    if ((lastOfCpu.get(e.cpu) ?? -1) > i) crossedOwnCpu++;
    lastOfCpu.set(e.cpu, Math.max(i, lastOfCpu.get(e.cpu) ?? -1));
  });
  assert.ok(crossed > 0, 'the order differs from the logged one');
  assert.ok(crossedOwnCpu > 0, 'some allocation passed a softirq free of its own CPU');
  assert.equal(r.order!.perTaskOrderKept, true);
});
