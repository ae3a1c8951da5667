// /proc/lock_stat rows of the locks the lab models are read from the
// kernel's layout (lockdep_proc.c, version 0.4), here as the lab's own
// lock_stat view prints it, with the kernel's `&` prefix and `-W` rwsem
// suffix on class names; contention-point lines and other classes are
// skipped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lockStatRows } from '../src/kernel/lock-stat-read.js';
import { lockStatLines } from '../src/report/lock-stat.js';

const row = (name: string, contentions: number, waitTotalNs: number, acquisitions: number, holdTotalNs: number) => ({
  name, acquisitions, contentions, conBounces: 1, acqBounces: 2, waitMinNs: 100, waitMaxNs: 2000, waitTotalNs, holdMinNs: 50, holdMaxNs: 900, holdTotalNs,
});

test('rows of the modelled classes, times in µs', () => {
  const text = [
    ...lockStatLines([row('&lruvec->lru_lock', 7, 12_340, 900, 45_670), row('pcpu_alloc_mutex', 3, 5_000, 40, 8_000), row('&rq->__lock', 9, 1, 9, 1),
      row('&mapping->i_mmap_rwsem-W', 2, 3_000, 30, 4_000)]),
    '                      &lruvec->lru_lock             7          [<ffffffff815bd740>] folio_lruvec_lock_irqsave+0x4e/0x70',
  ].join('\n');
  const rows = lockStatRows(text, ['lruvec->lru_lock', 'pcpu_alloc_mutex', 'mapping->i_mmap_rwsem', 'pcpu_lock']);
  assert.deepEqual(rows.map((r) => [r.name, r.labClass, r.contentions, r.waitTotalUs, r.acquisitions, r.holdTotalUs]), [
    ['&lruvec->lru_lock', 'lruvec->lru_lock', 7, 12.34, 900, 45.67],
    ['pcpu_alloc_mutex', 'pcpu_alloc_mutex', 3, 5, 40, 8],
    ['&mapping->i_mmap_rwsem-W', 'mapping->i_mmap_rwsem', 2, 3, 30, 4],
  ]);
  assert.equal(rows[0]!.waitMaxUs, 2);
});
