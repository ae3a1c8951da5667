// Same seed, same profile, same program: byte-identical per-CPU results and
// lock statistics; another seed gives another run (so the check can fail).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runVirtual } from '../src/engine/virtual/index.js';
import { bootVirtual, loop, roundProfile } from './fixtures/virtual-machine.js';

function churn(seed: number): string {
  const { kernel, cpus, mutex, spin, pages } = bootVirtual({ cpus: 6, sockets: 2, seed, profile: roundProfile({ lockDataLines: 2 }) });
  const held: number[][] = cpus.map(() => []);
  const programs = cpus.map((cpu) => loop(() => {
    const mine = held[cpu.id]!;
    if (mine.length > 0 && cpu.random() < 0.5) pages.freePages(cpu, mine.pop()!, 0);
    else {
      const p = pages.allocPages(cpu, 0, cpu.random() < 0.1);
      if (p !== 0) mine.push(p);
    }
    const lock = cpu.random() < 0.3 ? mutex : spin;
    lock.lock(cpu);
    cpu.spend(cpu.randInt(10, 400));
    lock.unlock(cpu);
    cpu.spend(cpu.randInt(0, 3000));
  }));
  const r = runVirtual({ kernel, cpus, programs, opsPerCpu: 3000, warmupOps: 200 });
  return JSON.stringify({ perCpu: r.perCpu, elapsedNs: r.elapsedNs, locks: r.locks });
}

test('the same seed gives byte-identical results and lock statistics', () => {
  const a = churn(7);
  assert.equal(churn(7), a);
  assert.notEqual(churn(8), a);
  assert.match(a, /"contentions":[1-9]/, 'the workload must actually contend for the result to mean something');
});
