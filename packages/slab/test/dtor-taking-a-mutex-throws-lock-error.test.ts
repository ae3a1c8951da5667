import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineLock, LockError, LockKind } from '@percpu-lab/machine';
import { bindSlabCtor, bindSlabDtor, KmemCache, kmemCacheCreate } from '../src/index.js';
import { bootSlab } from './helpers.js';

function boot(dtorLock: string) {
  const env = bootSlab((k) => {
    defineLock(k, 'test_mutex', LockKind.Mutex);
    defineLock(k, 'test_spin', LockKind.SpinLock);
    kmemCacheCreate(k, 'locky', 64, 8, { ctor: 'locky_ctor', dtor: 'locky_dtor' });
  });
  const { kernel } = env;
  bindSlabCtor(kernel, 'locky_ctor', () => true);
  bindSlabDtor(kernel, 'locky_dtor', (cpu) => {
    const l = kernel.lock(dtorLock);
    l.lock(cpu);
    l.unlock(cpu);
  });
  return { ...env, cache: new KmemCache(kernel, 'locky') };
}

test('a dtor that takes a mutex is caught by lockdep-lite', () => {
  const { kernel, cpus, cache } = boot('test_mutex');
  const cpu = cpus[0]!;
  cache.kmemCacheFree(cpu, cache.kmemCacheAlloc(cpu));
  assert.throws(() => cache.kmemCacheShrink(cpu), (e: unknown) => e instanceof LockError && /slab destructor/.test(e.message));
  // The atomic section ended with the error: outside a dtor the mutex is fine.
  const m = kernel.lock('test_mutex');
  m.lock(cpu);
  m.unlock(cpu);
});

test('a dtor that takes only a spinlock runs', () => {
  const { cpus, cache } = boot('test_spin');
  const cpu = cpus[0]!;
  cache.kmemCacheFree(cpu, cache.kmemCacheAlloc(cpu));
  assert.equal(cache.kmemCacheShrink(cpu), 1);
});
