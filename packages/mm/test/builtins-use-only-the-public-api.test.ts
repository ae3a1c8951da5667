// The five built-in strategies are written with nothing but the public
// strategy API (src/api.ts, exported from @percpu-lab/mm): each imports
// only '../api.js', so the guide in the package README is proven by them
// and a strategy file can do whatever a built-in does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { listStrategies } from '../src/index.js';

const DIR = fileURLToPath(new URL('../../src/strategies/', import.meta.url));

test('every built-in strategy module imports only the public API', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts');
  assert.equal(files.length, 5);
  for (const f of files) {
    const from = [...readFileSync(DIR + f, 'utf8').matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    assert.deepEqual(from, ['../api.js'], `${f} imports ${from.join(', ')}`);
  }
  assert.deepEqual(listStrategies().map((s) => s.name), ['baseline', 'slab-dtor', 'pcpu-cache', 'lazy-rss', 'grouped']);
});
