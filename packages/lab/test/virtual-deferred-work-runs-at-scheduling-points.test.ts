// Deferred work (schedule_work) runs at the first scheduling point reached at
// or after the virtual time it was scheduled, on the CPU that gets there, and
// its cost lands on that CPU — as a kworker's would. CPUs still behind that
// time do not see it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootMachine, declareWork, initWork, scheduleWork } from '@percpu-lab/machine';
import { createVirtualCpus, runVirtual } from '../src/engine/virtual/index.js';
import { roundProfile, script } from './fixtures/virtual-machine.js';

test('scheduled work runs once, at the first scheduling point not before it was scheduled', () => {
  const kernel = bootMachine({ nrCpus: 3, memBytes: 16 * 1024 * 1024 });
  declareWork(kernel, 'test_work');
  kernel.publish();
  const cpus = createVirtualCpus(kernel, 3, roundProfile(), {}, 1);
  const ranOn: [number, number][] = [];
  const id = initWork(kernel, 'test_work', (cpu) => {
    ranOn.push([cpu.id, cpu.now()]);
    cpu.spend(5000);
  });
  const [c0, c1, c2] = cpus as [typeof cpus[0], typeof cpus[0], typeof cpus[0]];
  const r = runVirtual({
    kernel, cpus, opsPerCpu: 1,
    programs: [
      // CPU0's step schedules the work and ends at t=100. CPU1 passes scheduling
      // points at 0 and 30 (too early), then at 130 runs it; CPU2 never gets past 70.
      script(() => (c0.spend(100), scheduleWork(kernel, id), 1)),
      script(() => (c1.spend(30), 0), () => (c1.spend(100), 0), () => (c1.spend(10), 1)),
      script(() => (c2.spend(60), 0), () => (c2.spend(10), 1)),
    ],
  });
  assert.deepEqual(ranOn, [[1, 130]]);
  assert.deepEqual(r.perCpu.map((c) => c.clockNs), [100, 130 + 5000 + 10, 70]);
});
