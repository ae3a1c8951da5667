// defineMmStrategy checks a recipe where it is written: a missing or
// malformed field is one BadStrategyRecipe naming the strategy and the field,
// so a strategy file fails when it loads, never in the middle of a run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadStrategyRecipe, defineMmStrategy, directFront, SeparateAreas, type MmStrategyRecipe } from '../src/index.js';

const good: MmStrategyRecipe = {
  name: 'ok', description: 'd', proposal: 'p', lifetime: 'mm', front: directFront, state: (p) => new SeparateAreas(p),
};

const CASES: [Record<string, unknown>, RegExp][] = [
  [{ name: undefined }, /^strategy recipe: missing field 'name'/],
  [{ name: 'has space' }, /^strategy recipe has space: bad field 'name'; expected a name of letters, digits/],
  [{ name: './x.js' }, /bad field 'name'/],
  [{ description: '' }, /^strategy recipe ok: bad field 'description'/],
  [{ proposal: undefined }, /^strategy recipe ok: missing field 'proposal'/],
  [{ lifetime: 'forever' }, /^strategy recipe ok: bad field 'lifetime'; expected one of 'mm', 'object'/],
  [{ front: {} }, /^strategy recipe ok: bad field 'front'; expected directFront, objCacheFront/],
  [{ state: undefined }, /^strategy recipe ok: missing field 'state'; expected a function \(parts\) => MmPercpuState/],
];

test('each missing or malformed recipe field is named', () => {
  assert.equal(defineMmStrategy(good).name, 'ok');
  for (const [change, want] of CASES) {
    const r = { ...good, ...change } as unknown as MmStrategyRecipe;
    assert.throws(() => defineMmStrategy(r), (e: unknown) => e instanceof BadStrategyRecipe && want.test(e.message), JSON.stringify(change));
  }
  assert.throws(() => defineMmStrategy(null as unknown as MmStrategyRecipe), BadStrategyRecipe);
});
