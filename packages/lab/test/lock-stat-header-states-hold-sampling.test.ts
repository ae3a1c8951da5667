// When hold times were sampled, the /proc/lock_stat view says so under its
// version line, with the widest error bound; exact statistics keep the
// kernel's header untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOLD_SAMPLING_TEXT } from '@percpu-lab/machine';
import { lockStatLines, type LockStatRow } from '../src/report/lock-stat.js';

const row = (name: string, over: Partial<LockStatRow> = {}): LockStatRow => ({
  name, acquisitions: 6400, contentions: 0, conBounces: 0, acqBounces: 0,
  waitMinNs: 0, waitMaxNs: 0, waitTotalNs: 0, holdMinNs: 100, holdMaxNs: 300, holdTotalNs: 1_280_000, ...over,
});

test('sampled hold times: the sampling and the widest 95 % bound follow the version line', () => {
  const lines = lockStatLines([
    row('pcpu_lock', { holdSampled: 100, holdTotalErr95: 0.042 }),
    row('pgd_lock', { holdSampled: 90, holdTotalErr95: 0.113 }),
    row('rare_lock', { acquisitions: 40, holdSampled: 1, holdTotalErr95: null }),
  ]);
  assert.equal(lines[0], 'lock_stat version 0.4');
  const notes = lines.slice(1, lines.indexOf('-'.repeat(221)));
  assert.ok(notes.length >= 2 && notes.every((l) => l.startsWith('# ') && l.length <= 120), notes.join('\n'));
  const text = notes.map((l) => l.slice(2)).join(' ');
  assert.ok(text.startsWith(`${HOLD_SAMPLING_TEXT} `), text);
  assert.ok(text.endsWith('widest 95% error of a holdtime-total: ±11.3% (pgd_lock); too few timed holds for a bound: rare_lock'), text);
});

test('exact hold times (every hold timed) keep the kernel header', () => {
  const lines = lockStatLines([row('pcpu_lock', { holdSampled: 6400, holdTotalErr95: 0 }), row('old_result')]);
  assert.equal(lines[1], '-'.repeat(221));
});
