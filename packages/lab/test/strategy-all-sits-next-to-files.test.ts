// `--strategy all,./remedy.js` means every built-in plus the file: 'all'
// expands in place and a strategy it already holds is not counted twice;
// a name listed twice without 'all' is still refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { listStrategies } from '@percpu-lab/mm';
import { resolveSweepSpec } from '../src/sweep/resolve.js';
import { parseScenario } from '../src/scenario/validate.js';
import { ScenarioError } from '../src/scenario/errors.js';

const ctx = { file: null, fromFlags: new Set(['strategies']), strategies: ['baseline', 'slab-dtor', 'my-remedy'] };

test("'all' next to a loaded file runs every strategy once", () => {
  assert.deepEqual(parseScenario({ strategies: ['all', 'my-remedy'] }, ctx).strategies, ['baseline', 'slab-dtor', 'my-remedy']);
  assert.deepEqual(parseScenario({ strategies: ['my-remedy', 'all'] }, ctx).strategies, ['my-remedy', 'baseline', 'slab-dtor']);
  assert.throws(() => parseScenario({ strategies: ['baseline', 'baseline'] }, ctx), (e: unknown) =>
    e instanceof ScenarioError && /expected each strategy once/.test(e.message));
});

test("a sweep's 'all' next to a file expands into one point per strategy, never a point named 'all'", async () => {
  const remedy = fileURLToPath(new URL('../../../../examples/remedies/atomic-rss.js', import.meta.url));
  const spec = await resolveSweepSpec({ engine: 'virtual', strategy: `all,${remedy}`, cpus: '1' });
  assert.deepEqual(spec.strategies, [...listStrategies().map((s) => s.name).filter((n) => n !== 'atomic-rss'), 'atomic-rss']);
});
