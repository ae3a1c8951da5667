// What `percpu-lab validate` asks each engine to run: with a runner
// injected in place of the real one, every scenario it receives carries the
// work-ns, CPUs, ops, strategies, footprint and profile the flags asked
// for; the derived work-ns is derived once, on threads, and both engines
// get that number; threads points run --repeats times, virtual once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import type { RunFlags } from '../src/calibrate/points.js';
import type { RunResult } from '../src/results/schema.js';
import { validateMain } from '../src/cli/validate.js';
import { validate } from '../src/validate/validate.js';
import { validationLines } from '../src/validate/table.js';

const DERIVED = 41_234;
const STRATEGIES = ['baseline', 'slab-dtor'];

/**
 * A runner that records each scenario and answers with throughputs the test
 * makes up: virtual 5 % above threads, threads repeat k scaled by spread(k).
 */
function recorder(spread: (k: number) => number = () => 1) {
  const runs: RunFlags[] = [];
  let threadsRuns = 0;
  const runner = async (flags: RunFlags): Promise<RunResult> => {
    runs.push(flags);
    const cpus = Number(flags['cpus']);
    const rate = (flags['engine'] === 'virtual' ? 1.05 : spread(threadsRuns++)) * 100_000 * cpus;
    const points = flags['strategy']!.split(',').map((strategy) => ({ strategy, cpus, throughput: rate, lifetimes: 1000, elapsedNs: 1e6, disturbance: null }));
    return { status: 'complete', workNs: { value: flags['work-ns'] === undefined ? DERIVED : Number(flags['work-ns']) }, points } as unknown as RunResult;
  };
  return { runs, runner };
}

const isDerivation = (f: RunFlags) => f['work-ns'] === undefined;

test('the CLI flags reach every threads and virtual run', async (t) => {
  t.mock.method(process.stdout, 'write', () => true);
  t.mock.method(process.stderr, 'write', () => true);
  const { runs, runner } = recorder();
  const cores = availableParallelism();
  const status = await validateMain(
    ['--work-ns', '0,derived', '--cpus', '1', '--ops', '1234', '--repeats', '6', '--strategy', STRATEGIES.join(','), '--profile', 'kernel', '--json'],
    runner,
  );
  assert.equal(status, 0);

  const derivations = runs.filter(isDerivation);
  assert.equal(derivations.length, 1);
  assert.equal(derivations[0]!['engine'], 'threads');

  const measuring = runs.filter((f) => !isDerivation(f));
  for (const f of measuring) {
    assert.ok(['0', String(DERIVED)].includes(f['work-ns']!), `work-ns ${f['work-ns']}`);
    assert.ok(['1', String(cores + 1)].includes(f['cpus']!), `cpus ${f['cpus']}`);
    assert.equal(f['ops'], '1234');
    assert.equal(f['strategy'], STRATEGIES.join(','));
    assert.equal(f['workload'], 'doexec');
    assert.equal(f['profile'], f['engine'] === 'virtual' ? 'kernel' : undefined);
  }
  for (const work of ['0', String(DERIVED)]) {
    for (const cpus of ['1', String(cores + 1)]) {
      const at = measuring.filter((f) => f['work-ns'] === work && f['cpus'] === cpus);
      assert.equal(at.filter((f) => f['engine'] === 'threads').length, 6, `threads repeats at work-ns ${work}, ${cpus} CPUs`);
      assert.equal(at.filter((f) => f['engine'] === 'virtual').length, 1, `virtual run at work-ns ${work}, ${cpus} CPUs`);
    }
  }
});

test('a footprint reaches every run, the derivation included, and the oversubscribed point is not judged', async () => {
  const { runs, runner } = recorder();
  const v = await validate({
    runner, strategies: STRATEGIES, work: [2000, 'derived'], footprints: ['512KiB', '64KiB'], cpus: [1, 2], oversubscribedCpus: 3,
    profile: 'calibrated', ops: 777, repeats: 6, tolerance: 0.1, rate: 'wall', log: () => {},
  });
  assert.equal(runs.filter(isDerivation).length, 2);
  for (const f of runs) assert.ok(['512KiB', '64KiB'].includes(f['work-footprint']!), `work-footprint ${f['work-footprint']}`);
  for (const f of runs.filter((r) => !isDerivation(r))) {
    assert.equal(f['ops'], '777');
    if (f['engine'] === 'virtual') assert.equal(f['profile'], 'calibrated');
  }
  assert.deepEqual(v.derivedWorkNs, [{ footprint: '512KiB', workNs: DERIVED }, { footprint: '64KiB', workNs: DERIVED }]);
  assert.ok(v.rows.filter((r) => r.point.cpus === 3).every((r) => r.oversubscribed && !r.judged));
  assert.equal(v.verdict.judged, 2 * 2 * 2 * STRATEGIES.length);
  assert.equal(v.verdict.pass, true);
});

test('a ratio is judged only where the threads interval is narrower than the tolerance, and each row says whether the virtual figure lies inside it', async () => {
  const opts = {
    strategies: STRATEGIES, work: [2000] as const, footprints: [null], cpus: [1], oversubscribedCpus: 2,
    profile: 'calibrated', ops: 777, tolerance: 0.1, rate: 'wall' as const, log: () => {},
  };
  // Six repeats 0.9 … 1.15 of the figure: an interval reaching 10 % below the median, virtual (1.05) inside it.
  const wide = await validate({ ...opts, work: [...opts.work], runner: recorder((k) => [0.9, 0.95, 1, 1.05, 1.1, 1.15][k % 6]!).runner, repeats: 6 });
  const row = wide.rows.find((r) => r.point.cpus === 1)!;
  assert.equal(row.interval?.n, 6);
  assert.equal(row.inside, true);
  assert.equal(row.narrow, false);
  assert.equal(row.judged, false, 'an interval of -12 % / +12 % cannot judge a 10 % tolerance');
  assert.ok(wide.verdict.wide > 0 && wide.verdict.judged === 0 && !wide.verdict.pass);
  // Within ±2 %: narrow, judged, and virtual (5 % above) lies outside the interval yet within the tolerance.
  const narrow = await validate({ ...opts, work: [...opts.work], runner: recorder((k) => 0.98 + 0.008 * (k % 6)).runner, repeats: 6 });
  const n = narrow.rows.find((r) => r.point.cpus === 1)!;
  assert.equal(n.narrow, true);
  assert.equal(n.inside, false);
  assert.equal(n.judged, true);
  assert.equal(n.within, true);
  // Fewer than six repeats: no interval, nothing judged.
  const few = await validate({ ...opts, work: [...opts.work], runner: recorder().runner, repeats: 3 });
  assert.ok(few.rows.every((r) => r.interval === null && r.inside === null && !r.judged));
  const lines = validationLines(few, { profile: 'calibrated', ops: 777, repeats: 3, tolerance: 0.1, rate: 'wall', loadBefore: 0, loadAfter: 0 });
  assert.match(lines.join('\n'), /no CI ~/);
  assert.match(lines.join('\n').replace(/\n  /g, ' '), /not judged: .* with a threads interval wider than ±10 % or none/);
});
