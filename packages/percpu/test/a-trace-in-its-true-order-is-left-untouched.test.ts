// Where the logged order explains every placement, nothing moves: generated
// traces written in their true order (2, 4 and 8 CPUs, chunks created and
// destroyed, atomic requests) replay with every placement matched, no
// decision opened and no move, in the text report too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateTrace } from '../src/replay/generate.js';
import { parseTrace } from '../src/replay/parse.js';
import { parsePrelude } from '../src/replay/prelude.js';
import { replayTrace } from '../src/replay/replayer.js';
import { formatReport } from '../src/replay/report.js';

for (const cpus of [2, 4, 8]) {
  test(`a ${cpus}-CPU trace logged in its true order is replayed as logged`, () => {
    const geometry = { unitSize: 65536, staticSize: 20000, reservedSize: 8192, dynSize: 20480, nrPossible: cpus };
    const gen = generateTrace({ geometry, ops: 3000, seed: 100 + cpus, preludeAllocs: 30, atomicShare: 0.1, targetLive: 400 });
    assert.ok(gen.counts.creates > 0, 'chunks are created');
    const r = replayTrace(parseTrace(gen.trace), { geometry, prelude: parsePrelude(gen.prelude) });
    const o = r.order!;
    assert.equal(r.matched, gen.counts.allocs);
    assert.equal(r.matchedAsLogged, gen.counts.allocs);
    assert.deepEqual(o.search, { decisions: 0, backtracks: 0, giveUps: 0, rejected: 0 });
    assert.deepEqual([o.moved, o.moves.length, o.largestShift, r.reordered], [0, 0, 0, 0]);
    assert.equal(o.kept, 'reconstructed');
    assert.match(formatReport(r), / 0 allocations replayed earlier than logged/);
  });
}
