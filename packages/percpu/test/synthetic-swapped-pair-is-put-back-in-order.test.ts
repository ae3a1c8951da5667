// A concurrent trace with a known true order: CPU 0's allocation took its
// area before CPU 1's, but its line comes after CPU 1's line and after a
// free by CPU 2 that would have given it another area. As logged, the
// model puts both elsewhere; with order reconstruction CPU 0's allocation
// is moved back before CPU 1's, by exactly the time between the two lines,
// and every placement matches. The move says which placement failed as
// logged and what it explains, in the report and its text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrace } from '../src/replay/parse.js';
import { replayTrace } from '../src/replay/replayer.js';
import { formatReport } from '../src/replay/report.js';
import { GEOMETRY, loggedLate, type Op } from './fixtures/logged-late.js';

const OPS: Op[] = [
  { cpu: 2, alloc: 'x', size: 16, align: 8 },
  { cpu: 0, alloc: 'a', size: 16, align: 8 },
  { cpu: 1, alloc: 'b', size: 16, align: 8 },
  { cpu: 2, free: 'x' },
];

test('an allocation logged after a later allocation and a later free is put back in order', () => {
  const { text, lineOf } = loggedLate(OPS, [0, 2, 3, 1]);
  const r = replayTrace(parseTrace(text), { geometry: GEOMETRY });
  assert.equal(r.allocations, 3);
  assert.equal(r.matchRate, 1);
  assert.equal(r.divergences, 0);
  const o = r.order!;
  assert.ok(o.before.matchRate < 1, `as logged the model misplaces them (${o.before.matched}/3)`);
  assert.equal(o.moved, 1);
  assert.deepEqual(
    o.moves.map((m) => [m.line, m.cpu, m.beforeLine]),
    [[lineOf[1], 0, lineOf[2]]],
    "CPU 0's allocation goes just before CPU 1's",
  );
  assert.ok(Math.abs(o.largestShift - 2e-5) < 1e-9, `shift ${o.largestShift}`);
  assert.equal(o.perTaskOrderKept, true);
  // As logged, CPU 1's allocation (line of b) lands in a's area first: that failure starts the search.
  const m = o.moves[0]!;
  assert.equal(m.failedLine, lineOf[2]);
  assert.deepEqual([...m.explains].sort(), [lineOf[1], lineOf[2]].sort());
  assert.equal(r.matchedAsLogged, o.before.matched);
  const shown = formatReport(r);
  assert.match(shown, new RegExp(`line ${lineOf[1]} \\(CPU 0\\) before line ${lineOf[2]}, 0\\.020 ms earlier: line ${lineOf[2]} failed as logged`));
  assert.match(shown, /exact-offset match as logged \(--no-reorder\): \d+\/3/);
  assert.match(shown, /exact-offset match after reconstruction: 3\/3 = 100\.00 %/);
});

test('with the same lines in the true order nothing moves', () => {
  const { text } = loggedLate(OPS, [0, 1, 2, 3]);
  const r = replayTrace(parseTrace(text), { geometry: GEOMETRY });
  assert.equal(r.matchRate, 1);
  assert.equal(r.order!.moved, 0);
  assert.equal(r.order!.before.matchRate, 1);
});

test('a window shorter than the needed shift leaves the pair unexplained', () => {
  const { text } = loggedLate(OPS, [0, 2, 3, 1]);
  const r = replayTrace(parseTrace(text), { geometry: GEOMETRY, window: 1e-5 });
  assert.ok(r.divergences > 0);
  assert.equal(r.order!.moved, 0);
});
