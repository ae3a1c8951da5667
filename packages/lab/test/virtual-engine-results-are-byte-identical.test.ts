// `percpu-lab run --engine virtual`: the same scenario, seed and profile give
// byte-identical result JSON apart from the timestamp and host fields, with
// the engine, profile and machine recorded; another seed gives other numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadScenario } from '../src/scenario/load.js';
import { runScenario } from '../src/scenario/run.js';

const FLAGS = {
  workload: 'doexec', strategy: 'baseline,slab-dtor', cpus: '1,4', ops: '150', warmup: '30', engine: 'virtual', 'work-ns': '20000',
  'machine-cpus': '8', sockets: '2', 'threads-per-core': '2',
};

async function resultJson(seed: string): Promise<{ json: string; engine: string; profile: unknown; status: string }> {
  const r = await runScenario(loadScenario({ ...FLAGS, seed }), { log() {} });
  const { createdAt: _t, host: _h, ...rest } = r;
  return { json: JSON.stringify(rest), engine: r.engine, profile: r.scenario.profile, status: r.status };
}

test('the same seed gives a byte-identical result; another seed does not', async () => {
  const a = await resultJson('5');
  const b = await resultJson('5');
  assert.equal(a.status, 'complete');
  assert.equal(a.engine, 'virtual');
  assert.equal(b.json, a.json);
  assert.match(a.json, /"profile":"kernel"/, 'the profile used is recorded with every point');
  assert.match(a.json, /"machine":\{"cpus":8,"sockets":2,"threadsPerCore":2\}/, 'the machine is recorded with every point');
  assert.notEqual((await resultJson('6')).json, a.json);
});
