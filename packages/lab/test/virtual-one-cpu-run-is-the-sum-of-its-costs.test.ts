// On one CPU nothing waits and no line moves, so the virtual run's length
// must be exactly the sum of what its steps charged: work, modelled costs,
// uncontended lock operations and the per-step charge, priced by the profile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runVirtual } from '../src/engine/virtual/index.js';
import { bootVirtual, loop, roundProfile } from './fixtures/virtual-machine.js';

test('a 1-CPU run lasts exactly the sum of its step costs', () => {
  const profile = roundProfile({ stepNs: 3 });
  const { kernel, cpus, mutex, spin } = bootVirtual({ cpus: 1, profile });
  const cpu = cpus[0]!;
  let expected = 0;
  const program = loop(() => {
    const work = cpu.randInt(0, 5000);
    const words = cpu.randInt(1, 64);
    mutex.lock(cpu);
    spin.lock(cpu);
    cpu.cost('bitmapWord', words);
    cpu.cost('objectInit', 1);
    spin.unlock(cpu);
    mutex.unlock(cpu);
    cpu.spend(work);
    cpu.cost('atomic', 3);
    expected += profile.stepNs + profile.mutexLockNs + profile.spinLockNs + words * profile.bitmapWordNs + profile.objectInitNs
      + profile.spinUnlockNs + profile.mutexUnlockNs + work + 3 * profile.atomicNs;
  });
  const r = runVirtual({ kernel, cpus, programs: [program], opsPerCpu: 5000 });
  assert.equal(r.totalOps, 5000);
  assert.equal(r.elapsedNs, expected);
  assert.equal(r.perCpu[0]!.clockNs, expected);
  for (const l of r.locks.filter((s) => s.name.startsWith('test_'))) {
    assert.equal(l.contentions, 0);
    assert.equal(l.acqBounces, 0);
    assert.equal(l.acquisitions, 5000);
  }
});
