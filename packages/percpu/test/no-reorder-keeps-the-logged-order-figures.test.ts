// --no-reorder replays in the logged order with the replayer's old local
// fix-ups, and gives the figures the replayer gave before order
// reconstruction existed (measured with commit 8e2fb98): on the 2-CPU
// capture a full match with 6 late-logged allocations put back; on the
// 4-CPU capture 26783 of 30201 exact, first divergence at line 8362.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { geometryFromDmesg } from '../src/replay/dmesg.js';
import { parseTrace, traceText } from '../src/replay/parse.js';
import { parsePrelude } from '../src/replay/prelude.js';
import { replayTrace } from '../src/replay/replayer.js';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/${name}`, import.meta.url));
const prelude = () => parsePrelude(fixture('prelude.txt').toString('utf8'));

function replayAsLogged(trace: string, dmesg: string) {
  const geometry = geometryFromDmesg(fixture(dmesg).toString('utf8'));
  return replayTrace(parseTrace(traceText(fixture(trace))), { geometry: { ...geometry, nrPossible: geometry.nrPossible! }, prelude: prelude(), reorder: false });
}

test('--no-reorder on the 2-CPU capture: the old full match', () => {
  const r = replayAsLogged('trace.txt.gz', 'dmesg.txt');
  assert.equal(r.order, undefined);
  assert.equal(r.matched, 2297);
  assert.equal(r.reordered, 6);
  assert.equal(r.divergences, 0);
});

test('--no-reorder on the 4-CPU capture: the old cascade', () => {
  const r = replayAsLogged('kernel-6.12-smp4-full/trace.txt.gz', 'kernel-6.12-smp4-full/dmesg.txt');
  assert.equal(r.order, undefined);
  assert.equal(r.allocations, 30201);
  assert.equal(r.matched, 26783);
  assert.equal(r.divergences, 3418);
  assert.equal(r.firstDivergence?.line, 8362);
  assert.equal(r.reordered, 226);
});
