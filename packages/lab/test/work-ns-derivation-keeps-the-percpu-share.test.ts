// The default doexec work per cycle is derived from a measurement on this
// engine: the baseline's percpu path P and a whole workless cycle L, so that
// with the derived work a cycle has P as 4 % of it; a run that derives it
// prints the derivation and records the figures in its result.
//
// The property is checked on a CPU whose clock only moves when the model
// does priced work: a fake Cpu, percpu allocator and mm whose every call
// costs a known number of nanoseconds. P and L are then known from the
// fakes, not from the function, and the derived work must put P at exactly
// the share of (L + work) — whatever formula the function uses to get there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootMachine, type Cpu } from '@percpu-lab/machine';
import type { MmOps } from '@percpu-lab/mm';
import type { Percpu } from '@percpu-lab/percpu';
import { threadsEngine } from '../src/engine/threads/index.js';
import { pointBase } from '../src/scenario/points.js';
import { parseScenario } from '../src/scenario/validate.js';
import { deriveWorkNs, PERCPU_SHARE_OF_CYCLE } from '../src/workloads/work-ns.js';
import { runInput, strategyNames } from './fixtures/run-helpers.js';

/** What each faked call costs (ns), and the work footprint's price per byte. */
interface Prices {
  pcpuAlloc: number;
  freePercpu: number;
  /** mm_alloc's own work besides its two percpu allocations. */
  mmAllocRest: number;
  /** mmdrop's own work besides its two percpu frees. */
  mmdropRest: number;
  addMmCounter: number;
  mmCid: number;
  perFootprintByte: number;
}

function fakeMachine(prices: Prices) {
  const kernel = bootMachine({ nrCpus: 1, memBytes: 16 * 2 ** 20 });
  kernel.publish();
  let clock = 0;
  const cpu: Cpu = {
    id: 0, nrPossible: 1, kernel,
    now: () => clock,
    spend: (ns) => { clock += ns; },
    cost: () => {},
    touchUnits: () => {},
    touchOwn: () => {},
    touchShared: () => {},
    pricesWork: false,
    touchPrivate: (bytes) => { clock += bytes * prices.perFootprintByte; },
    randInt: (lo) => lo,
    random: () => 0,
  };
  let next = 64;
  const percpu = {
    pcpuAlloc: () => { clock += prices.pcpuAlloc; return (next += 64); },
    freePercpu: () => { clock += prices.freePercpu; },
  } as unknown as Percpu;
  const mm = {
    mmAlloc: (c: Cpu) => { clock += prices.mmAllocRest; percpu.pcpuAlloc(c, 16, 8); percpu.pcpuAlloc(c, 16, 4); return (next += 64); },
    mmdrop: (c: Cpu, p: number) => { clock += prices.mmdropRest; percpu.freePercpu(c, p); percpu.freePercpu(c, p); },
    addMmCounter: () => { clock += prices.addMmCounter; },
    mmCidGet: () => { clock += prices.mmCid; return 0; },
    mmCidPut: () => { clock += prices.mmCid; },
  } as unknown as MmOps;
  return { cpu, attached: { percpu, mm } };
}

function specWith(workFootprint: number) {
  // The mm path alone: the fake machine has no exec model, and the 4 % rule fills the cycle.
  const s = parseScenario({ binary: 'none' }, { file: null, fromFlags: new Set(), strategies: strategyNames() });
  const base = { ...pointBase(s), cpus: 1, strategy: 'baseline' };
  return { ...base, knobs: { ...base.knobs, workFootprint } };
}

const PRICES: Prices = { pcpuAlloc: 150, freePercpu: 50, mmAllocRest: 900, mmdropRest: 700, addMmCounter: 30, mmCid: 20, perFootprintByte: 0.25 };
/** The percpu path of one lifetime: two allocations and two frees. */
const P = 2 * PRICES.pcpuAlloc + 2 * PRICES.freePercpu;
/** A workless cycle: alloc and drop with their percpu calls, two counter updates each way, cid get and put. */
const L = P + PRICES.mmAllocRest + PRICES.mmdropRest + 4 * PRICES.addMmCounter + 2 * PRICES.mmCid;

for (const footprint of [0, 4096]) {
  test(`with known prices (footprint ${footprint} B) the derived work puts the percpu path at ${PERCPU_SHARE_OF_CYCLE * 100} % of the cycle`, () => {
    const { cpu, attached } = fakeMachine(PRICES);
    const d = deriveWorkNs(cpu, attached, specWith(footprint));
    const cycle = L + footprint * PRICES.perFootprintByte + d.workNs;
    assert.equal(d.percpuPathNs, P, 'P leaves the footprint writes out');
    assert.equal(d.lifetimeNs, L + footprint * PRICES.perFootprintByte, 'L includes them');
    assert.ok(Math.abs(P / cycle - PERCPU_SHARE_OF_CYCLE) < 1e-9, `P = ${P} ns of a ${cycle} ns cycle`);
    assert.match(d.text.join('\n'), /percpu path P = .* µs per lifetime.*cycle = P \/ 0\.04/s);
    assert.ok(d.text.every((l) => l.length <= 120), d.text.join('\n'));
  });
}

test('a workless cycle already longer than P / 4 %: no work, and the derivation says it was clamped', () => {
  // P = 4 ns, so the cycle would be 100 ns; the rest of a workless cycle alone costs more.
  const { cpu, attached } = fakeMachine({ ...PRICES, pcpuAlloc: 1, freePercpu: 1 });
  const d = deriveWorkNs(cpu, attached, specWith(0));
  assert.equal(d.workNs, 0);
  assert.match(d.text.join('\n'), /clamped/);
});

test('on the threads engine the measured path and cycle are real and the cycle contains the path', async () => {
  const d = await threadsEngine.deriveWorkNs(specWith(0));
  assert.ok(d.percpuPathNs > 0);
  assert.ok(d.lifetimeNs > d.percpuPathNs, `a whole lifetime (${d.lifetimeNs} ns) contains the percpu path (${d.percpuPathNs} ns)`);
  assert.ok(Number.isInteger(d.workNs) && d.workNs >= 0);
});

test('a run without --work-ns derives it, prints how, and records it', async () => {
  const { result, log } = await runInput({ workload: 'doexec', cpus: [1], strategies: ['slab-dtor'], ops: 200, warmup: 50, binary: 'none' });
  assert.equal(result.workNs?.derived, true);
  assert.ok(result.workNs!.value > 0);
  assert.ok(log.some((l) => l.startsWith(`work-ns ${result.workNs!.value} (derived`)), log.join('\n'));
});
