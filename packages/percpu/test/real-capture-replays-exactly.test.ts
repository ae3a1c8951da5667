// The real capture (Linux 6.12, 2 CPUs, fork/exec and thread churn, test/
// fixtures): replayed after its prelude, every one of its 2297 allocations
// lands at the kernel's offset in the kernel's chunk, the chunk balance
// work created appears the same way, and with --resync every decision is
// the kernel's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { geometryFromDmesg } from '../src/replay/dmesg.js';
import { parseTrace, traceText } from '../src/replay/parse.js';
import { parsePrelude } from '../src/replay/prelude.js';
import { replayTrace } from '../src/replay/replayer.js';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url));

for (const resync of [false, true]) {
  test(`the 6.12 capture replays with a 100 % exact-offset match${resync ? ' (--resync)' : ''}`, () => {
    const parsed = parseTrace(traceText(fixture('trace.txt.gz')));
    assert.equal(parsed.bad.length, 0);
    const geometry = geometryFromDmesg(fixture('dmesg.txt').toString('utf8'));
    assert.deepEqual(geometry, { unitSize: 1048576, staticSize: 233472, reservedSize: 8192, dynSize: 28672, nrPossible: 2 });
    const r = replayTrace(parsed, { geometry: { ...geometry, nrPossible: 2 }, prelude: parsePrelude(fixture('prelude.txt').toString('utf8')), resync });
    assert.equal(r.allocations, 2297);
    assert.equal(r.frees, 1923);
    assert.equal(r.matched, 2297);
    assert.equal(r.matchRate, 1);
    assert.equal(r.firstDivergence, null);
    assert.equal(r.unknownFrees, 0);
    assert.deepEqual(r.chunksCreated, { trace: 1, model: 1 });
    assert.deepEqual(r.chunksDestroyed, { trace: 0, model: 0 });
    assert.ok(r.reordered > 0 && r.reordered < 20, `a few late-logged allocations (${r.reordered})`);
    if (resync) assert.equal(r.decisionMatchRate, 1);
    assert.equal(r.stats.nrCurAlloc, 2297 + 81 - 1923);
  });
}

test('without the prelude the capture does not match: the comparison can fail', () => {
  const parsed = parseTrace(traceText(fixture('trace.txt.gz')));
  const geometry = { ...geometryFromDmesg(fixture('dmesg.txt').toString('utf8')), nrPossible: 2 };
  const r = replayTrace(parsed, { geometry });
  assert.ok(r.matchRate < 0.5);
  assert.equal(r.firstDivergence?.line, 13, 'the first traced allocation already differs');
  assert.ok(r.firstDivergence!.context.some((l) => l.startsWith('>')));
});
