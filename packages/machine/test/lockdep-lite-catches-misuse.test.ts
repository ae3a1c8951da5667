// Lock misuse raises LockError (lockdep-lite): taking a lock twice on one
// CPU, releasing a lock another CPU holds (or nobody holds), and taking a
// sleeping lock inside an atomic section. A spinlock there is fine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atomicEnter, atomicExit, AtomicContext } from '../src/cpu.js';
import { LockError } from '../src/errors.js';
import { TEST_MUTEX, TEST_SPINLOCK, bootTestKernel } from './fixtures/test-kernel.js';
import { atomicsLockOps } from '../src/atomics-lock.js';
import { RealCpu } from '../src/real-cpu.js';

for (const lockStat of [false, true]) {
  const setup = () => {
    const kernel = bootTestKernel(2, { lockStat });
    kernel.setLockOps(atomicsLockOps);
    const cpu = (id: number) => {
      const c = new RealCpu(kernel, id, 1, 1);
      c.online();
      return c;
    };
    return { kernel, c0: cpu(0), c1: cpu(1) };
  };
  const tag = lockStat ? 'stats on' : 'stats off';

  for (const name of [TEST_MUTEX, TEST_SPINLOCK]) {
    test(`${name} (${tag}): recursive locking throws and leaves the lock held`, () => {
      const { kernel, c0 } = setup();
      const l = kernel.lock(name);
      l.lock(c0);
      assert.throws(() => l.lock(c0), (e: unknown) => e instanceof LockError && /recursively/.test(e.message));
      assert.equal(l.owner(), 0);
      l.unlock(c0);
      assert.equal(l.owner(), -1);
    });

    test(`${name} (${tag}): unlock by a non-owner or of a free lock throws`, () => {
      const { kernel, c0, c1 } = setup();
      const l = kernel.lock(name);
      assert.throws(() => l.unlock(c0), (e: unknown) => e instanceof LockError && /held by nobody/.test(e.message));
      l.lock(c0);
      assert.throws(() => l.unlock(c1), (e: unknown) => e instanceof LockError && /held by CPU 0/.test(e.message));
      assert.throws(() => l.assertHeld(c1), LockError);
      l.assertHeld(c0);
      l.unlock(c0);
    });
  }

  test(`mutex (${tag}) inside an atomic section throws; a spinlock does not`, () => {
    const { kernel, c0 } = setup();
    atomicEnter(c0, AtomicContext.SlabDestructor);
    assert.throws(() => kernel.lock(TEST_MUTEX).lock(c0), (e: unknown) => e instanceof LockError && /atomic context \(slab destructor\)/.test(e.message));
    kernel.lock(TEST_SPINLOCK).lock(c0);
    kernel.lock(TEST_SPINLOCK).unlock(c0);
    atomicExit(c0);
    kernel.lock(TEST_MUTEX).lock(c0);
    kernel.lock(TEST_MUTEX).unlock(c0);
  });
}

test('trylock takes a free lock and refuses a held one without waiting', () => {
  const kernel = bootTestKernel(2);
  kernel.setLockOps(atomicsLockOps);
  const [c0, c1] = [new RealCpu(kernel, 0, 1, 1), new RealCpu(kernel, 1, 1, 1)];
  const l = kernel.lock(TEST_MUTEX);
  assert.equal(l.trylock(c0), true);
  assert.equal(l.trylock(c1), false);
  l.unlock(c0);
  assert.equal(l.trylock(c1), true);
  l.unlock(c1);
});
