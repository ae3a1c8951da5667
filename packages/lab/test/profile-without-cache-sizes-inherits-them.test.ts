// A cost profile written before capacity eviction was modelled (a calibrated
// profile from an older scripts/calibrate.mjs) has no cache sizes or LLC
// latency: it still loads, taking them from the built-in kernel profile and
// saying so in their sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinProfilePath, loadProfile, parseProfile } from '../src/cost-model/index.js';

test('a profile without cache sizes inherits them from the kernel profile', () => {
  const file = JSON.parse(readFileSync(builtinProfilePath('kernel'), 'utf8')) as { costs: Record<string, unknown> };
  for (const k of ['privateCacheBytes', 'llcBytesPerCore', 'llcHitNs']) delete file.costs[k];
  const p = parseProfile(file, 'old.json');
  const kernel = loadProfile('kernel');
  assert.equal(p.privateCacheBytes, kernel.privateCacheBytes);
  assert.equal(p.llcBytesPerCore, kernel.llcBytesPerCore);
  assert.equal(p.llcHitNs, kernel.llcHitNs);
  assert.match(p.sources.llcHitNs, /^Not in this profile; taken from the built-in kernel profile: /);
});
