// A run killed between points (Ctrl-C, a CI job's timeout) keeps the points
// it finished: result.json is rewritten after every point, marked partial,
// so killing the process during the second point leaves the first on disk.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../src/results/schema.js';

const BIN = fileURLToPath(new URL('../../../../bin/percpu-lab.js', import.meta.url));

test('killing a run during its second point leaves the first one written, marked partial', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'percpu-lab-killed-')), 'run');
  // The second point is far longer than the test waits, so the kill always lands inside it.
  const child = spawn(process.execPath, [BIN, 'run', '--engine', 'virtual', '--strategy', 'baseline', '--cpus', '1,64',
    '--ops', '50000', '--work-ns', '2000', '--out', out], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const file = join(out, 'result.json');
  for (let waited = 0; !existsSync(file); waited += 100) {
    assert.ok(waited < 120_000, 'no result.json after the first point');
    await sleep(100);
  }
  child.kill('SIGTERM');
  await exited;
  const r = JSON.parse(readFileSync(file, 'utf8')) as RunResult;
  assert.equal(r.status, 'partial');
  assert.deepEqual(r.points.map((p) => `${p.strategy}/${p.cpus}/${p.status}`), ['baseline/1/complete']);
});
