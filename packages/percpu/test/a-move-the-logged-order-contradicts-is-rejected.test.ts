// A move that explains one placement but makes a later one fail, which the
// logged order explains, is rejected, and the first placement is the
// divergence. The trace: CPU 2 frees x, then CPU 0 allocates d and CPU 1
// allocates f (8 bytes each). d's offset is forged to the one after y, where
// d would land had it come before the free; so moving d before the free
// explains d, but then f, logged at that same offset, finds it taken, and
// nothing explains f. Replayed as logged, d lands in x's hole (a
// divergence) and f where the kernel put it. The search keeps the logged
// order at d, and reports the rejected move.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTrace } from '../src/replay/parse.js';
import { replayTrace } from '../src/replay/replayer.js';
import { GEOMETRY, loggedLate, type Op } from './fixtures/logged-late.js';

const OPS: Op[] = [
  { cpu: 2, alloc: 'x', size: 8, align: 4 },
  { cpu: 2, alloc: 'y', size: 8, align: 4 },
  { cpu: 2, free: 'x' },
  { cpu: 0, alloc: 'd', size: 8, align: 4 },
  { cpu: 1, alloc: 'f', size: 8, align: 4 },
];

test('a move that breaks a placement the logged order explains is rejected', () => {
  const { text, lineOf } = loggedLate(OPS, [0, 1, 2, 3, 4]);
  const offs = [...text.matchAll(/ off=(\d+)/g)].map((m) => Number(m[1]));
  const [x, y] = offs as [number, number];
  assert.equal(y, x + 8);
  // d (line 4 of the ops) really went to x's hole; its line says x + 16, where f went.
  const forged = text.replace(/(task-100 .* off=)(\d+)/, (_, head: string) => `${head}${x + 16}`);
  const r = replayTrace(parseTrace(forged), { geometry: GEOMETRY, window: 1e-3 });
  const o = r.order!;
  assert.equal(o.search.rejected, 1);
  assert.equal(o.moved, 0);
  assert.deepEqual(o.unexplained.map((d) => d.line), [lineOf[3]], 'd is the divergence');
  assert.equal(o.unexplained[0]!.cause, 'offset');
  assert.equal(r.matched, 3, 'x, y and f land where the kernel put them');
  // As logged, the old fix-up takes the free back for d, and f fails instead: one miss either way.
  assert.equal(r.matchedAsLogged, 3);
  assert.equal(o.before.firstDivergenceLine, lineOf[4]);
  assert.equal(o.kept, 'reconstructed');
});
