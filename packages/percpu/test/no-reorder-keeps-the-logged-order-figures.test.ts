// --no-reorder replays in the logged order with the replayer's old local
// fix-ups and gives the figures it gave before order reconstruction existed
// (measured with commit 8e2fb98): on the 2-CPU capture a full match with 6
// late-logged allocations put back, and no order section in the report.
// (The 4- and 8-CPU captures' as-logged figures are pinned in
// concurrent-captures-replay-exactly-after-reordering.test.ts: the report's
// before-reconstruction figures come from this same replay.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { replayCommand } from '../src/replay/cli.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));

test('--no-reorder on the 2-CPU capture: the old full match and no order section', async () => {
  const out: string[] = [];
  const log = console.log;
  console.log = (s: string) => out.push(s);
  let code: number;
  try {
    code = await replayCommand([fixture('trace.txt.gz'), '--dmesg', fixture('dmesg.txt'), '--prelude', fixture('prelude.txt'), '--no-reorder', '--json']);
  } finally {
    console.log = log;
  }
  assert.equal(code, 0);
  const j = JSON.parse(out.join('\n'));
  assert.equal(j.order, undefined);
  assert.equal(j.matched, 2297);
  assert.equal(j.matchedAsLogged, 2297, 'as logged is what this replay is');
  assert.equal(j.reordered, 6);
  assert.equal(j.divergences, 0);
});
