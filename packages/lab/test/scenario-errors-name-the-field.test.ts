// Scenario validation in-process: each invalid field gives one line that
// names it — as the flag when it came from a flag, as the file's field
// otherwise — and says what was expected; all problems are reported at once;
// a valid scenario gets its defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScenarioError } from '../src/scenario/errors.js';
import { scenarioFromFlags } from '../src/scenario/flags.js';
import { DEFAULT_OPS, DEFAULT_WARMUP } from '../src/scenario/schema.js';
import { parseScenario } from '../src/scenario/validate.js';
import { strategyNames } from './fixtures/run-helpers.js';

function lines(raw: Record<string, unknown>, file: string | null, fromFlags: string[] = []): string[] {
  try {
    parseScenario(raw, { file, fromFlags: new Set(fromFlags), strategies: strategyNames() });
  } catch (e) {
    assert.ok(e instanceof ScenarioError);
    return e.lines;
  }
  assert.fail('expected a ScenarioError');
}

test('a flag value is named by its flag, with what was expected and what was given', () => {
  const { raw, fromFlags } = scenarioFromFlags({ cpus: '1,x', ops: '-3' });
  const l = lines(raw, null, [...fromFlags]);
  assert.deepEqual(l, [
    '--cpus[1]: expected a non-empty list of CPU counts, each an integer in 1..1024, got "x"',
    '--ops: expected a positive integer (measured operations per CPU), got -3',
  ]);
});

test('a file field is named as the file\'s field; unknown fields are listed', () => {
  const l = lines({ cpus: [1, 0], wrokload: 'doexec' }, 'bad.yaml');
  assert.equal(l.length, 2);
  assert.match(l[0]!, /^bad\.yaml: field cpus\[1\]: expected .*integer in 1\.\.1024, got 0$/);
  assert.match(l[1]!, /^bad\.yaml: unknown field 'wrokload'; known fields: workload, /);
});

test('rules across fields: knobs of another workload, virtual-only fields, unknown strategies', () => {
  const l = lines({ workload: 'doexec', threadProb: 0.5, profile: 'kernel', strategies: ['baseline', 'nosuch'] }, 's.json');
  assert.equal(l.length, 3, l.join('\n'));
  assert.match(l[0]!, /field strategies: unknown strategy "nosuch"; expected one or more of baseline, /);
  assert.match(l[1]!, /field threadProb: expected only with the threads workload, not doexec/);
  assert.match(l[2]!, /field profile: expected only with --engine virtual/);
});

test('defaults: doexec, all strategies, 1 CPU, threads engine, op-bounded', () => {
  const s = parseScenario({}, { file: null, fromFlags: new Set(), strategies: strategyNames() });
  assert.equal(s.workload, 'doexec');
  assert.deepEqual(s.strategies, strategyNames());
  assert.deepEqual(s.cpus, [1]);
  assert.equal(s.engine, 'threads');
  assert.equal(s.ops, DEFAULT_OPS);
  assert.equal(s.duration, null);
  assert.equal(s.warmup, DEFAULT_WARMUP);
  assert.equal(s.workNs, null, 'left to be derived');
  const d = parseScenario({ duration: 2 }, { file: null, fromFlags: new Set(), strategies: strategyNames() });
  assert.equal(d.ops, null, 'a duration alone bounds the run');
});
