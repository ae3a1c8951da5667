// Lock timelines on hand-built cases: every number below is the round
// profile's arithmetic (spin lock/unlock 1 ns, mutex lock/unlock 2 ns, line
// transfer 10 ns in a socket / 30 ns across, sleep+wake 1000 ns beyond a
// 500 ns spin window), worked out in the comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runVirtual, VirtualRunError } from '../src/engine/virtual/index.js';
import { bootVirtual, roundProfile, script, section, statOf } from './fixtures/virtual-machine.js';

test('waiters queue in request order and pay wait and hold as the profile says', () => {
  const { kernel, cpus, spin } = bootVirtual({ cpus: 3 });
  const [c0, c1, c2] = cpus as [typeof cpus[0], typeof cpus[0], typeof cpus[0]];
  const r = runVirtual({
    kernel, cpus, opsPerCpu: 1,
    programs: [
      script(() => (section(c0, spin, 100), 1)),
      script(() => (c1.spend(10), 0), () => (section(c1, spin, 100), 1)),
      script(() => (c2.spend(20), 0), () => (section(c2, spin, 100), 1)),
    ],
  });
  // CPU0: takes it at 0 (+1 lock) = 1, holds 100, frees at 101 (+1 unlock) -> 102.
  // CPU1 asks at 10, gets it at 101 (+1 lock +10 line from CPU0) = 112: waited 102; frees at 212 -> 213.
  // CPU2 asks at 20, gets it at 212 (+1 +10) = 223: waited 203; frees at 323 -> 324.
  assert.deepEqual(r.perCpu.map((c) => c.clockNs), [102, 213, 324]);
  const s = statOf(r.locks, 'test_spin');
  assert.equal(s.acquisitions, 3);
  assert.equal(s.contentions, 2);
  assert.equal(s.waitTotalNs, 102 + 203);
  assert.equal(s.waitMinNs, 102);
  assert.equal(s.waitMaxNs, 203);
  assert.equal(s.holdTotalNs, 300);
  assert.equal(s.holdMinNs, 100);
  assert.equal(s.holdMaxNs, 100);
  assert.equal(s.acqBounces, 2);
  assert.equal(s.conBounces, 2);
  assert.equal(r.elapsedNs, 324);
});

test('equal request times go to the lower CPU id', () => {
  const { kernel, cpus, spin } = bootVirtual({ cpus: 2 });
  const r = runVirtual({ kernel, cpus, opsPerCpu: 1, programs: cpus.map((c) => script(() => (section(c, spin, 100), 1))) });
  // CPU0 first: [0, 101). CPU1 asked at 0 too and gets it at 101 + 1 + 10 = 112.
  assert.deepEqual(r.perCpu.map((c) => c.clockNs), [102, 213]);
  assert.equal(statOf(r.locks, 'test_spin').waitTotalNs, 112);
});

test('an earlier request uses the free gap before a CPU that ran ahead', () => {
  const { kernel, cpus, spin } = bootVirtual({ cpus: 2 });
  const [c0, c1] = cpus as [typeof cpus[0], typeof cpus[0]];
  // CPU0 runs first (tie at 0) and takes the lock at 50 for [50, 61).
  // CPU1 then asks at 0: the 50 ns gap fits the mean busy length (11 ns), so it goes first.
  const r = runVirtual({
    kernel, cpus, opsPerCpu: 1,
    programs: [script(() => (c0.spend(50), section(c0, spin, 10), 1)), script(() => (section(c1, spin, 10), 1))],
  });
  assert.deepEqual(r.perCpu.map((c) => c.clockNs), [62, 12]);
  assert.equal(statOf(r.locks, 'test_spin').contentions, 0);
});

test('a gap shorter than the mean busy length is not used', () => {
  const { kernel, cpus, spin } = bootVirtual({ cpus: 2 });
  const [c0, c1] = cpus as [typeof cpus[0], typeof cpus[0]];
  // CPU0 holds [50, 151): mean busy 101 > the 50 ns gap, so CPU1 (asking at 0)
  // waits until 151 and gets the line from CPU0: 151 + 1 + 10 = 162.
  const r = runVirtual({
    kernel, cpus, opsPerCpu: 1,
    programs: [script(() => (c0.spend(50), section(c0, spin, 100), 1)), script(() => (section(c1, spin, 100), 1))],
  });
  const s = statOf(r.locks, 'test_spin');
  assert.equal(s.contentions, 1);
  assert.equal(s.waitTotalNs, 162);
  assert.equal(r.perCpu[1]!.clockNs, 263);
});

test('a mutex waiter spins inside the spin window and sleeps beyond it', () => {
  for (const [hold, wait] of [[400, 402 + 2 + 10], [600, 602 + 2 + 10 + 1000]] as const) {
    const { kernel, cpus, mutex } = bootVirtual({ cpus: 2 });
    const r = runVirtual({ kernel, cpus, opsPerCpu: 1, programs: cpus.map((c) => script(() => (section(c, mutex, hold), 1))) });
    // CPU0 holds [0, hold + 2); CPU1 waits hold + 2 ns, then pays lock + line (+ sleep/wake past 500 ns).
    const s = statOf(r.locks, 'test_mutex');
    assert.equal(s.waitTotalNs, wait, `hold ${hold}`);
    assert.equal(r.perCpu[1]!.clockNs, wait + hold + 2);
  }
});

test('lines cost more across sockets and protected data moves inside the hold', () => {
  const { kernel, cpus, spin } = bootVirtual({ cpus: 2, sockets: 2, profile: roundProfile({ lockDataLines: 3 }) });
  const r = runVirtual({ kernel, cpus, opsPerCpu: 1, programs: cpus.map((c) => script(() => (section(c, spin, 100), 1))) });
  // CPU1 gets it at 101 + 1 + 30 (cross-socket line) = 132, then pulls 3 data lines (90 ns) while holding.
  const s = statOf(r.locks, 'test_spin');
  assert.equal(s.waitTotalNs, 132);
  assert.equal(s.holdTotalNs, 100 + 190);
  assert.equal(s.holdMaxNs, 190);
  assert.equal(r.perCpu[1]!.clockNs, 132 + 190 + 1);
});

test('trylock fails while the lock is busy in virtual time and succeeds after', () => {
  const { kernel, cpus, spin } = bootVirtual({ cpus: 2 });
  const [c0, c1] = cpus as [typeof cpus[0], typeof cpus[0]];
  const got: boolean[] = [];
  const tryAt = (t: number) => () => {
    c1.clock = t;
    const ok = spin.trylock(c1);
    if (ok) spin.unlock(c1);
    got.push(ok);
    return 0;
  };
  runVirtual({ kernel, cpus, opsPerCpu: 1, programs: [script(() => (section(c0, spin, 100), 1)), script(tryAt(50), tryAt(200), () => 1)] });
  assert.deepEqual(got, [false, true]);
});

test('a lock kept across steps is reported, not silently shared', () => {
  const { kernel, cpus, spin } = bootVirtual({ cpus: 2 });
  const [c0, c1] = cpus as [typeof cpus[0], typeof cpus[0]];
  assert.throws(
    () => runVirtual({ kernel, cpus, opsPerCpu: 1, programs: [script(() => (spin.lock(c0), 0)), script(() => (section(c1, spin, 1), 1))] }),
    (e: Error) => e instanceof VirtualRunError && /CPU 1 .*still held by CPU 0.*release/.test(e.message),
  );
});
