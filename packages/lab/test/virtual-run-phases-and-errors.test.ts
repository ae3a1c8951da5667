// The run's phases and its refusals: warm-up is forgotten, a duration bounds
// each CPU's measured window, and a program that fails or can never finish
// ends the run with an error naming the CPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createVirtualCpus, runVirtual, VirtualConfigError, VirtualRunError } from '../src/engine/virtual/index.js';
import { bootVirtual, loop, roundProfile, script, section, statOf } from './fixtures/virtual-machine.js';

test('warm-up is excluded from ops and lock statistics', () => {
  const { kernel, cpus, spin } = bootVirtual({ cpus: 4 });
  const programs = cpus.map((cpu) => loop(() => (section(cpu, spin, 50), cpu.spend(200))));
  const r = runVirtual({ kernel, cpus, programs, opsPerCpu: 300, warmupOps: 100 });
  assert.deepEqual(r.perCpu.map((c) => c.ops), [300, 300, 300, 300]);
  assert.equal(statOf(r.locks, 'test_spin').acquisitions, 1200);
  assert.ok(r.startNs > 0, 'the window starts after the warm-up');
});

test('a duration stops each CPU at its first scheduling point past it', () => {
  const { kernel, cpus } = bootVirtual({ cpus: 3 });
  const programs = cpus.map((cpu) => loop(() => cpu.spend(1000)));
  const r = runVirtual({ kernel, cpus, programs, durationNs: 10_000 });
  assert.deepEqual(r.perCpu.map((c) => [c.ops, c.clockNs]), [[10, 10_000], [10, 10_000], [10, 10_000]]);
  assert.equal(r.opsPerSec, 3 * 1e6);
});

test('bad run arguments are refused before anything runs', () => {
  const { kernel, cpus } = bootVirtual({ cpus: 2 });
  const programs = cpus.map((cpu) => loop(() => cpu.spend(1)));
  assert.throws(() => runVirtual({ kernel, cpus, programs }), VirtualConfigError);
  assert.throws(() => runVirtual({ kernel, cpus, programs: programs.slice(1), opsPerCpu: 1 }), VirtualConfigError);
  assert.throws(() => runVirtual({ kernel, cpus, programs, opsPerCpu: 0 }), VirtualConfigError);
  assert.throws(() => createVirtualCpus(kernel, 3, roundProfile()), /3 CPUs on a kernel booted with 2 possible CPUs/);
  assert.throws(() => createVirtualCpus(kernel, 2, roundProfile(), { sockets: 0 }), VirtualConfigError);
  assert.throws(() => createVirtualCpus(kernel, 2, roundProfile(), { threadsPerCore: 4 }), /--machine-cpus 2 cannot be split into 1 socket\(s\) of whole cores with 4 thread\(s\) each/);
});

test('a failing program ends the run naming its CPU', () => {
  const { kernel, cpus } = bootVirtual({ cpus: 2 });
  const programs = [loop(() => cpus[0]!.spend(10)), script(() => (cpus[1]!.spend(25), 0), () => { throw new Error('boom'); })];
  assert.throws(() => runVirtual({ kernel, cpus, programs, opsPerCpu: 100 }), (e: Error) => e instanceof VirtualRunError && /CPU 1 failed at virtual time 25 ns: boom/.test(e.message));
});

test('a program that never progresses is reported instead of hanging', () => {
  const { kernel, cpus } = bootVirtual({ cpus: 1 });
  const stuck = { step: () => 0, finish: () => {} };
  assert.throws(() => runVirtual({ kernel, cpus, programs: [stuck], opsPerCpu: 1 }), /CPU 0's program .* cannot finish/);
});
