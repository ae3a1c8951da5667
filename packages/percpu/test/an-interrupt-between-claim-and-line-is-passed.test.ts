// An allocation can be logged after events of its own CPU: an RCU callback
// freeing percpu memory in softirq, or another task when the allocating one
// was preempted, can run between pcpu_alloc dropping its locks and its trace
// point. A task's own events stay in their order. CPU 0's task allocates a
// (its area taken while x was still allocated), then, before a's line, x is
// freed on CPU 0: in softirq, by another task, or by the same task (which a
// kernel cannot do: it would have logged a first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrace } from '../src/replay/parse.js';
import { replayTrace } from '../src/replay/replayer.js';
import { GEOMETRY, loggedLate, type Op } from './fixtures/logged-late.js';

function trace(free: Partial<Op>) {
  const ops: Op[] = [
    { cpu: 2, alloc: 'x', size: 16, align: 8 },
    { cpu: 0, alloc: 'a', size: 16, align: 8 },
    { cpu: 0, free: 'x', ...free } as Op,
  ];
  return loggedLate(ops, [0, 2, 1]);
}

for (const [who, free] of [['a softirq on that CPU', { irq: true }], ['another task on that CPU', { pid: 777 }]] as const) {
  test(`a free by ${who} between an allocation and its line is passed`, () => {
    const { text, lineOf } = trace(free);
    const r = replayTrace(parseTrace(text), { geometry: GEOMETRY });
    assert.equal(r.matchedAsLogged, 1, 'as logged, a takes the freed area');
    assert.equal(r.matched, 2);
    const o = r.order!;
    assert.deepEqual(o.moves.map((m) => [m.line, m.beforeLine, m.failedLine]), [[lineOf[1], lineOf[2], lineOf[1]]]);
    assert.equal(o.perTaskOrderKept, true);
  });
}

test("a free by the allocating task itself is never passed: its events are sequential", () => {
  const { text, lineOf } = trace({});
  const r = replayTrace(parseTrace(text), { geometry: GEOMETRY });
  assert.equal(r.matched, 1);
  assert.equal(r.order!.moved, 0);
  assert.deepEqual(r.order!.unexplained.map((d) => d.line), [lineOf[1]]);
});
