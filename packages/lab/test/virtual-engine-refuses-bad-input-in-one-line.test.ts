// Bad virtual-engine input reaches the user as a scenario error — one line,
// naming the field — before anything runs, not as a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScenarioError } from '../src/scenario/errors.js';
import { loadScenario } from '../src/scenario/load.js';
import { runScenario } from '../src/scenario/run.js';

const BASE = { workload: 'doexec', strategy: 'baseline', cpus: '2', ops: '10', engine: 'virtual' };

async function refused(extra: Record<string, string>, pattern: RegExp): Promise<void> {
  await assert.rejects(runScenario(await loadScenario({ ...BASE, ...extra }), { log() {} }), (e: Error) => {
    assert.ok(e instanceof ScenarioError, `expected a ScenarioError, got ${e.name}: ${e.message}`);
    assert.equal(e.lines.length, 1);
    assert.match(e.lines[0]!, pattern);
    return true;
  });
}

test('an unknown profile name or file is an input error naming the profile field', async () => {
  await refused({ profile: 'no-such-profile' }, /^profile: no cost profile named "no-such-profile"/);
});

test('a profile file with a bad field names that field', async () => {
  const path = new URL('../../test/fixtures/virtual-bad-profile.json', import.meta.url).pathname;
  await refused({ profile: path, workNs: '1000' }, /^profile: cost profile .*virtual-bad-profile\.json: field costs\.atomicNs\.value/);
});
