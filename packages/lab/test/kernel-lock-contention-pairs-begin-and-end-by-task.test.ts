// lock:contention_begin/end become perf-lock-contention rows: a wait runs
// from a task's begin to its end, the row is named by the first caller
// outside the locking code (or by the lock's symbol when kallsyms knows its
// address), and the type comes from the flags. On the recorded capture
// (fixtures/kernel/README.md): one rwsem wait for write in begin_new_exec,
// 12980.530756742 − 12980.530167166 s.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { kallsymsLockFacts, lockContentions } from '../src/kernel/contention.js';
import { parsePerfScript } from '../src/kernel/perf-script.js';

const CAPTURE = new URL('../../test/fixtures/kernel/perf-script-doexec-2procs.txt.gz', import.meta.url);
const samples = parsePerfScript(gunzipSync(readFileSync(CAPTURE)).toString('utf8'));

test('the recorded contention: caller, type, count and wait', () => {
  const c = lockContentions(samples);
  assert.equal(c.unpaired, 0);
  assert.deepEqual(c.locks, [{
    name: 'begin_new_exec', caller: 'begin_new_exec', type: 'rwsem:W', contended: 1, totalWaitNs: 589576, maxWaitNs: 589576, labClass: null,
  }]);
});

test('a static lock is named by its symbol, and the lab class follows the name', () => {
  const { lockSymbols, lockText } = kallsymsLockFacts('ffffffff82250870 T __lock_text_start\nffffffff822522f1 T __lock_text_end\nffff888121125f58 d pgd_lock\n');
  assert.deepEqual(lockText, { start: 0xffffffff82250870n, end: 0xffffffff822522f1n });
  const [row] = lockContentions(samples, { lockSymbols, lockText }).locks;
  assert.equal(row!.name, 'pgd_lock');
  assert.equal(row!.caller, 'begin_new_exec');
  assert.equal(row!.labClass, 'pgd_lock');
});

test('a begin with no end is counted as still waiting, not as a wait', () => {
  const cut = samples.filter((s) => s.event !== 'lock:contention_end');
  const c = lockContentions(cut);
  assert.deepEqual(c.locks, []);
  assert.equal(c.unpaired, 1);
});
