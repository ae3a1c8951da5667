import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LockError } from '@percpu-lab/machine';
import { bindSlabCtor, bindSlabDtor, KmemCache, kmemCacheCreate } from '@percpu-lab/slab';
import { bootMm } from './helpers.js';

test('a slab dtor that calls pcpu_alloc (takes pcpu_alloc_mutex) is a LockError', () => {
  const m = bootMm({
    nrCpus: 2,
    strategies: ['slab-dtor'],
    setup: (k) => kmemCacheCreate(k, 'sleepy', 64, 8, { ctor: 'sleepy_ctor', dtor: 'sleepy_dtor' }),
  });
  const cpu = m.cpus[0]!;
  bindSlabCtor(m.kernel, 'sleepy_ctor', () => true);
  bindSlabDtor(m.kernel, 'sleepy_dtor', (c) => void m.percpu.pcpuAlloc(c, 8, 8));
  const cache = new KmemCache(m.kernel, 'sleepy');
  cache.kmemCacheFree(cpu, cache.kmemCacheAlloc(cpu));
  assert.throws(
    () => cache.kmemCacheShrink(cpu),
    (e: unknown) => e instanceof LockError && /pcpu_alloc_mutex/.test(e.message) && /slab destructor/.test(e.message),
  );
});

test('the slab-dtor strategy\'s own dtor (free_percpu, percpu_counters_lock) is fine in atomic context', () => {
  const m = bootMm({ nrCpus: 2, strategies: ['slab-dtor'] });
  const cpu = m.cpus[0]!;
  const ops = m.ops['slab-dtor']!;
  ops.mmdrop(cpu, ops.mmAlloc(cpu));
  ops.drainCaches!(cpu);
  assert.equal(m.percpu.stats().nrCurAlloc, 0);
});
