// The perf-script reader and the cpu-clock shares on a capture recorded on
// the project's host (fixtures/kernel/README.md). The expected counts were
// taken from the capture by a separate script (a blank-line split of the
// text, first word of every frame line), not by the code under test:
// 3499 cpu-clock samples, 3 with a pcpu_alloc* frame, none with
// free_percpu, 617 under exit_mmap, 675 with a paravirtual (pvm_*) frame.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { cpuShares } from '../src/kernel/cpu-shares.js';
import { parsePerfScript } from '../src/kernel/perf-script.js';

const CAPTURE = new URL('../../test/fixtures/kernel/perf-script-doexec-2procs.txt.gz', import.meta.url);

test('perf script samples and the share of CPU time under each function', () => {
  const samples = parsePerfScript(gunzipSync(readFileSync(CAPTURE)).toString('utf8'));
  const clock = samples.filter((s) => s.event === 'cpu-clock');
  assert.equal(clock.length, 3499);
  assert.ok(clock.every((s) => s.comm === 'doexec' && s.cpu === null && s.frames.length > 0));
  const begin = samples.find((s) => s.event === 'lock:contention_begin')!;
  assert.equal(begin.cpu, 1);
  assert.equal(begin.timeNs, 12980 * 1e9 + 530167166);
  assert.equal(begin.trace, '0xffff888121125f58 (flags=WRITE)');
  assert.deepEqual(begin.frames[0], { ip: 'ffffffff8224d0fc', symbol: 'rwsem_down_write_slowpath', dso: '[kernel.kallsyms]' });

  const shares = cpuShares(samples);
  assert.equal(shares.samples, 3499);
  assert.equal(shares.shares['pcpu_alloc*'], 3 / 3499);
  assert.equal(shares.shares['free_percpu'], 0);
  assert.equal(shares.percpuPath, 3 / 3499);
  assert.equal(shares.shares['exit_mmap'], 617 / 3499);
  assert.equal(shares.hypervisor, 675 / 3499);
});
