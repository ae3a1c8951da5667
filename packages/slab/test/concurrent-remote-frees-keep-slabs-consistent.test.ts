import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runOnCpus } from '@percpu-lab/machine';
import { KmemCache, kmemCacheCreate, readSlabStats, validateSlabCache } from '../src/index.js';
import { RING_SLOTS, type RemoteFreeArgs, type RemoteFreeResult } from './fixtures/remote-free-job.js';
import { bootSlab } from './helpers.js';

test('4 CPUs freeing each other\'s objects: no object handed out twice, lists and counters consistent', async () => {
  const { kernel, cpus } = bootSlab((k) => kmemCacheCreate(k, 'shared64', 64, 8), { memBytes: 64 * 1024 * 1024 });
  const n = cpus.length;
  const rings = new SharedArrayBuffer(4 * (n * (RING_SLOTS + 2) + 1));
  const results = await runOnCpus<RemoteFreeArgs, RemoteFreeResult>({
    kernel,
    cpus: n,
    seed: 3,
    job: { module: new URL('./fixtures/remote-free-job.js', import.meta.url).href, args: { cache: 'shared64', iterations: 20_000, rings } },
  });
  const sum = (k: keyof RemoteFreeResult) => results.reduce((a, r) => a + r[k], 0);
  assert.equal(sum('doubleHandouts'), 0);
  assert.equal(sum('freedLocal') + sum('freedRemote'), sum('allocated'));
  assert.ok(sum('freedRemote') > 1000, 'remote frees happened');
  const s = readSlabStats(kernel, 'shared64');
  assert.equal(s.objects, 0);
  assert.ok(s.free_slowpath >= sum('freedRemote'));
  validateSlabCache(kernel, 'shared64');
  const cache = new KmemCache(kernel, 'shared64');
  for (const cpu of cpus) cache.kmemCacheShrink(cpu);
  assert.equal(readSlabStats(kernel, 'shared64').slabs, 0, 'every slab came back empty');
});
