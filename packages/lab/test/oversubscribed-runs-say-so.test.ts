// More emulated CPUs than host cores: every output says so — the log, the
// summary, the result JSON (top-level flag and per-point factor) and the
// report. The run is pinned to one host core (taskset, as a user would
// confine a job), so two emulated CPUs oversubscribe it on any host, a
// 2-core laptop or a 128-core server alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderRun } from '../src/report/render.js';
import type { RunResult } from '../src/results/schema.js';
import { tempDir } from './fixtures/sweep-helpers.js';

const BIN = fileURLToPath(new URL('../../../../bin/percpu-lab.js', import.meta.url));

/** One host CPU this process may run on, from its affinity list ("0-3,8" → 0). */
function oneAllowedCpu(): string {
  const r = spawnSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8' });
  assert.equal(r.status, 0, `taskset (util-linux) is needed to pin the run: ${r.stderr || r.error?.message}`);
  const first = /list:\s*(\d+)/.exec(r.stdout)?.[1];
  assert.ok(first !== undefined, r.stdout);
  return first;
}

test('a run with more CPUs than host cores is marked oversubscribed everywhere', () => {
  const out = join(tempDir('oversubscribed'), 'run');
  const args = ['run', '--workload', 'doexec', '--cpus', '2', '--strategy', 'slab-dtor', '--ops', '200', '--warmup', '50', '--work-ns', '500', '--out', out, '--json'];
  const r = spawnSync('taskset', ['-c', oneAllowedCpu(), process.execPath, BIN, ...args], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout) as RunResult;
  assert.equal(result.status, 'complete', result.failure?.message);
  assert.equal(result.oversubscribed, true);
  assert.equal(result.points[0]!.oversubscribed, 2, 'two emulated CPUs per host core');
  assert.match(result.oversubscription, /^OVERSUBSCRIBED: 2 emulated CPUs on 1 host cores/);
  assert.ok(r.stderr.split('\n').includes(result.oversubscription), 'the log says so');
  for (const detail of ['summary', 'full'] as const) {
    assert.ok(renderRun(result, detail).includes(result.oversubscription), detail);
  }
  assert.ok(readFileSync(join(out, 'report.txt'), 'utf8').includes(result.oversubscription), 'report.txt says so');
});
