// A 192-CPU run's terminal summary stays readable: no line is wider than
// 120 columns, per-CPU throughput reads as min / median / max, and every
// CPU's figure is still in the result for JSON and scripts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderRun } from '../src/report/render.js';
import { virtualResult } from './fixtures/sweep-virtual.js';

const MAX_WIDTH = 120;

test('the 192-CPU summary has no line over 120 columns and keeps every CPU in the result', async () => {
  const r = await virtualResult([1, 8, 192], ['baseline', 'slab-dtor']);
  const lines = renderRun(r, 'summary');
  const wide = lines.filter((l) => l.length > MAX_WIDTH);
  assert.deepEqual(wide, [], `${wide.length} line(s) over ${MAX_WIDTH} columns`);
  const text = lines.join('\n');
  assert.match(text, /per CPU min \/ med \/ max/);
  // Up to 8 CPUs every CPU is listed: the 8-CPU table's baseline row has 8 rates.
  const at8 = lines.slice(lines.findIndex((l) => l.endsWith('on 8 CPUs:')));
  const baseline8 = at8.find((l) => l.trimStart().startsWith('baseline'))!;
  assert.equal(baseline8.trim().split(/\s+/).filter((c) => /^[\d.]+[kM]?$/.test(c)).length, 1 + 8, baseline8);
  const p192 = r.points.find((p) => p.cpus === 192 && p.strategy === 'baseline')!;
  assert.equal(p192.perCpu.length, 192);
  assert.equal(JSON.parse(JSON.stringify(r)).points.at(-1).perCpu.length, 192);
});
