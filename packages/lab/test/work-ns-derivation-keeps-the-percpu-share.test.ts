// The default doexec work per cycle is derived from a measurement on this
// engine: the baseline's percpu path P and a whole workless cycle L, so that
// P is 4 % of a cycle; a run that derives it prints the derivation and
// records the figures in its result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { threadsEngine } from '../src/engine/threads/index.js';
import { pointBase } from '../src/scenario/points.js';
import { parseScenario } from '../src/scenario/validate.js';
import { PERCPU_SHARE_OF_CYCLE } from '../src/workloads/work-ns.js';
import { runInput, strategyNames } from './fixtures/run-helpers.js';

test('workNs = P / 4 % − L, from measured P and L with L covering P', async () => {
  const s = parseScenario({}, { file: null, fromFlags: new Set(), strategies: strategyNames() });
  const d = await threadsEngine.deriveWorkNs({ ...pointBase(s), cpus: 1, strategy: 'baseline' });
  assert.ok(d.percpuPathNs > 0);
  assert.ok(d.lifetimeNs > d.percpuPathNs, `a whole lifetime (${d.lifetimeNs} ns) contains the percpu path (${d.percpuPathNs} ns)`);
  assert.equal(d.cycleNs, d.percpuPathNs / PERCPU_SHARE_OF_CYCLE);
  assert.equal(d.workNs, Math.max(0, Math.round(d.cycleNs - d.lifetimeNs)));
  assert.match(d.text.join('\n'), /percpu path P = .* µs per lifetime.*cycle = P \/ 0\.04/s);
});

test('a run without --work-ns derives it, prints how, and records it', async () => {
  const { result, log } = await runInput({ workload: 'doexec', cpus: [1], strategies: ['slab-dtor'], ops: 200, warmup: 50, binary: 'none' });
  assert.equal(result.workNs?.derived, true);
  assert.ok(result.workNs!.value > 0);
  assert.ok(log.some((l) => l.startsWith(`work-ns ${result.workNs!.value} (derived`)), log.join('\n'));
});
