// The failure paths of the threads engine with real workers: a CPU that
// crashes, and a CPU that stops making progress while holding
// pcpu_alloc_mutex. Either way the run ends within 2 s of detection, names
// the CPU (and the lock, holder and waiters), and its result is partial —
// never complete. The run is sized to take far longer than the bound if it
// were not stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInput } from './fixtures/run-helpers.js';

const LONG = { workload: 'doexec', cpus: [2], strategies: ['baseline'], ops: 5_000_000, warmup: 100, workNs: 0 };
const FAULT_AFTER_OPS = 300;
const BOUND_MS = 2000;

/**
 * What the same point costs when it simply stops where the fault fires:
 * boot, worker start and the first ops, measured now, so the bound holds on
 * a loaded host too.
 */
async function startupMs(): Promise<number> {
  const t0 = Date.now();
  const { result } = await runInput({ ...LONG, ops: FAULT_AFTER_OPS });
  assert.equal(result.status, 'complete');
  return Date.now() - t0;
}

test('a crashing CPU ends the run at once with CpuCrashed naming the CPU; results are partial', async () => {
  const startup = await startupMs();
  const t0 = Date.now();
  const { result } = await runInput({ ...LONG, faultInject: { cpu: 1, afterOps: FAULT_AFTER_OPS, mode: 'crash' } });
  const ms = Date.now() - t0;
  assert.equal(result.status, 'partial');
  assert.equal(result.partial, true);
  assert.equal(result.failure?.kind, 'CpuCrashed');
  assert.match(result.failure!.message, /CPU 1 crashed: FaultInjected: injected crash on CPU 1/);
  assert.equal(result.points[0]!.status, 'partial');
  assert.equal(result.points[0]!.checks.verify.status, 'skipped');
  assert.ok(ms < startup + BOUND_MS, `run took ${ms} ms; a clean run to the fault takes ${startup} ms`);
});

test('a CPU stuck holding pcpu_alloc_mutex trips the watchdog, which names lock, holder and waiter', async () => {
  const watchdogMs = 1000;
  const startup = await startupMs();
  const t0 = Date.now();
  const { result } = await runInput({
    ...LONG, watchdog: watchdogMs / 1000, faultInject: { cpu: 1, afterOps: FAULT_AFTER_OPS, mode: 'hang-holding-lock' },
  });
  const ms = Date.now() - t0;
  assert.equal(result.status, 'partial');
  assert.match(result.failure?.kind ?? '', /WatchdogTimeout|Deadlock/);
  assert.match(result.failure!.message, /pcpu_alloc_mutex/);
  assert.match(result.failure!.message, /CPU 1/, 'the holder');
  assert.match(result.failure!.message, /CPU 0/, 'the waiter');
  assert.ok(ms < startup + watchdogMs + BOUND_MS, `run took ${ms} ms; a clean run to the fault takes ${startup} ms`);
});
