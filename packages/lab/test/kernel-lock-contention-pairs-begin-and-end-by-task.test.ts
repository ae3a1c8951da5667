// lock:contention_begin/end become perf-lock-contention rows: a wait runs
// from a task's begin to its end, the row is named by the first caller
// outside the locking code (or by the lock's symbol when kallsyms knows its
// address), and the type comes from the flags. On the recorded capture
// (fixtures/kernel/README.md): one rwsem wait for write in begin_new_exec,
// 12980.530756742 − 12980.530167166 s; on the lock events of two more,
// pcpu_alloc_mutex's optimistic spinning (SPIN|MUTEX), matched to the
// lab's class by caller and type.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { kallsymsLockFacts, lockContentions } from '../src/kernel/contention.js';
import { parsePerfScript } from '../src/kernel/perf-script.js';

const CAPTURE = new URL('../../test/fixtures/kernel/perf-script-doexec-2procs.txt.gz', import.meta.url);
const samples = parsePerfScript(gunzipSync(readFileSync(CAPTURE)).toString('utf8'));
const events = (name: string) => parsePerfScript(readFileSync(new URL(`../../test/fixtures/kernel/${name}`, import.meta.url), 'utf8'));

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

test('the percpu mutex spinning on its owner is a mutex wait in pcpu_alloc_noprof, the lab\'s pcpu_alloc_mutex', () => {
  const a = lockContentions(events('lock-events-doexec-2procs-a.txt'));
  assert.deepEqual(a.locks.map((l) => [l.caller, l.type, l.contended, l.totalWaitNs, l.labClass]), [
    ['begin_new_exec', 'rwsem:W', 1, 1_201_474, null],
    ['__mmap_region', 'rwsem:W', 1, 38_192, 'mapping->i_mmap_rwsem'],
    ['pcpu_alloc_noprof', 'mutex', 1, 36_109, 'pcpu_alloc_mutex'],
  ]);
  const b = lockContentions(events('lock-events-doexec-2procs-b.txt'));
  assert.deepEqual(b.locks, [{
    name: 'pcpu_alloc_noprof', caller: 'pcpu_alloc_noprof', type: 'mutex', contended: 2, totalWaitNs: 8_997 + 7_895, maxWaitNs: 8_997, labClass: 'pcpu_alloc_mutex',
  }]);
  assert.equal(a.unpaired + b.unpaired, 0);
});
