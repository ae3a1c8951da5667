// The /proc/lock_stat formatter lays rows out as kernel/locking/lockdep_proc.c
// does: version header, 221-column rules, a 40-column name then twelve
// 14-column fields (220 columns), µs with two decimals rounded at the 10 ns digit, classes
// sorted by contentions and never-acquired classes left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lockStatLines, lockStatTime, type LockStatRow } from '../src/report/lock-stat.js';

const row = (name: string, over: Partial<LockStatRow> = {}): LockStatRow => ({
  name, acquisitions: 10, contentions: 0, conBounces: 0, acqBounces: 0,
  waitMinNs: 0, waitMaxNs: 0, waitTotalNs: 0, holdMinNs: 100, holdMaxNs: 300, holdTotalNs: 2000, ...over,
});

test('times print in µs with two decimals, rounded as the kernel rounds', () => {
  assert.equal(lockStatTime(0), '0.00');
  assert.equal(lockStatTime(1234), '1.23');
  assert.equal(lockStatTime(1235), '1.24');
  assert.equal(lockStatTime(999_995), '1000.00');
  assert.equal(lockStatTime(42.4), '0.04');
});

test('header, column widths, sort order and hidden idle classes', () => {
  const lines = lockStatLines([
    row('pcpu_lock', { contentions: 3, conBounces: 2, waitMinNs: 1000, waitMaxNs: 5000, waitTotalNs: 9000, acqBounces: 4 }),
    row('never_taken', { acquisitions: 0 }),
    row('pcpu_alloc_mutex', { contentions: 7, conBounces: 7, waitMinNs: 2000, waitMaxNs: 8000, waitTotalNs: 21000, acqBounces: 9 }),
  ]);
  assert.equal(lines[0], 'lock_stat version 0.4');
  assert.equal(lines[1], '-'.repeat(221));
  assert.equal(lines[2]!.length, 40 + 12 * 15);
  assert.match(lines[2]!, /^ {30}class name {4}con-bounces {4}contentions {3}waittime-min/);
  assert.equal(lines[3], '-'.repeat(221));
  assert.equal(lines[4], '');
  const rows = lines.slice(5);
  assert.equal(rows.length, 2, 'the never-acquired class is left out');
  assert.ok(rows[0]!.startsWith(`${'pcpu_alloc_mutex'.padStart(40)}:`), 'most contended first');
  const fields = rows[0]!.slice(41).trim().split(/\s+/);
  assert.deepEqual(fields, ['7', '7', '2.00', '8.00', '21.00', '3.00', '9', '10', '0.10', '0.30', '2.00', '0.20']);
  // "%40s:" then "%14lu " and the rest: one column narrower than the rule, as in the kernel.
  assert.equal(rows[0]!.length, 40 + 12 * 15);
});

test('class names keep at most 38 characters, as in the kernel', () => {
  const [r] = lockStatLines([row('x'.repeat(50))]).slice(5);
  assert.ok(r!.startsWith(`  ${'x'.repeat(38)}:`));
});
