// The /proc/lock_stat view of lock statistics, laid out the way
// kernel/locking/lockdep_proc.c prints it (lock_stat version 0.4): a header,
// then one row per lock class with con-bounces, the wait-time series
// (contentions, min, max, total, avg), acq-bounces and the hold-time series
// (acquisitions, min, max, total, avg); times in µs with two decimals,
// classes sorted by contentions, classes never acquired left out. Contention
// points (call sites) are not collected, so none are printed. When hold
// times were sampled (threads engine), '#' lines under the version line say
// how, and give the widest 95 % error bound of any holdtime-total; they are
// ours, so they wrap at 120 columns, while the table keeps the kernel's
// 221-column layout that scripts written for /proc/lock_stat parse.
import { HOLD_SAMPLING_TEXT, type LockClassStats } from '@percpu-lab/machine';
import { MAX_TABLE_WIDTH } from './table.js';
import { wrap } from './wrap.js';

/** What one row needs: the merged statistics of a lock class (times in ns). */
export type LockStatRow = Pick<
  LockClassStats,
  | 'name' | 'acquisitions' | 'contentions' | 'conBounces' | 'acqBounces'
  | 'waitMinNs' | 'waitMaxNs' | 'waitTotalNs' | 'holdMinNs' | 'holdMaxNs' | 'holdTotalNs'
> & Partial<Pick<LockClassStats, 'holdSampled' | 'holdTotalErr95'>>;

const NAME_WIDTH = 40;
const COL_WIDTH = 14;
/** The kernel keeps 38 characters of a class name. */
const NAME_MAX = 38;
const COLUMNS = [
  'con-bounces', 'contentions', 'waittime-min', 'waittime-max', 'waittime-total', 'waittime-avg',
  'acq-bounces', 'acquisitions', 'holdtime-min', 'holdtime-max', 'holdtime-total', 'holdtime-avg',
];
const RULE_WIDTH = NAME_WIDTH + 1 + COLUMNS.length * (COL_WIDTH + 1);

/** ns as the kernel prints them: µs, rounded at the 10 ns digit, two decimals. */
export function lockStatTime(ns: number): string {
  const n = Math.max(0, Math.round(ns)) + 5;
  const us = Math.floor(n / 1000);
  const hundredths = Math.floor((n % 1000) / 10);
  return `${us}.${String(hundredths).padStart(2, '0')}`;
}

const col = (v: string | number): string => String(v).padStart(COL_WIDTH);

/** One lock_time series: count, then min, max, total, avg (integer ns division, as the kernel). */
function series(nr: number, min: number, max: number, total: number): string {
  const avg = nr > 0 ? Math.floor(Math.round(total) / nr) : 0;
  return col(nr) + [min, max, total, avg].map((t) => ` ${col(lockStatTime(t))}`).join('');
}

/** The '#' lines stating how hold times were sampled (at most `width` columns), or none when every hold was timed. */
export function holdSamplingLines(rows: readonly LockStatRow[], width = MAX_TABLE_WIDTH): string[] {
  const sampled = rows.filter((r) => r.acquisitions > 0 && r.holdSampled !== undefined && r.holdSampled < r.acquisitions);
  if (sampled.length === 0) return [];
  const unbounded = sampled.filter((r) => r.holdTotalErr95 === null).map((r) => r.name);
  const worst = sampled.reduce<LockStatRow | null>((w, r) => ((r.holdTotalErr95 ?? -1) > (w?.holdTotalErr95 ?? -1) ? r : w), null);
  const bound = worst?.holdTotalErr95 == null ? '' : `widest 95% error of a holdtime-total: ±${(worst.holdTotalErr95 * 100).toFixed(1)}% (${worst.name})`;
  const none = unbounded.length === 0 ? '' : `too few timed holds for a bound: ${unbounded.join(', ')}`;
  return [HOLD_SAMPLING_TEXT, [bound, none].filter(Boolean).join('; ')].flatMap((t) => wrap(t, '# ', '# ', width));
}

export function lockStatLines(rows: readonly LockStatRow[], indent = ''): string[] {
  const rule = '-'.repeat(RULE_WIDTH);
  const lines = [
    'lock_stat version 0.4',
    ...holdSamplingLines(rows, MAX_TABLE_WIDTH - indent.length),
    rule,
    'class name'.padStart(NAME_WIDTH) + COLUMNS.map((c) => ` ${col(c)}`).join(''),
    rule,
    '',
  ];
  const shown = rows.filter((r) => r.acquisitions > 0).sort((a, b) => b.contentions - a.contentions);
  for (const r of shown) {
    lines.push(
      `${r.name.slice(0, NAME_MAX).padStart(NAME_WIDTH)}:` +
        `${col(r.conBounces)} ` +
        series(r.contentions, r.waitMinNs, r.waitMaxNs, r.waitTotalNs) +
        ` ${col(r.acqBounces)} ` +
        series(r.acquisitions, r.holdMinNs, r.holdMaxNs, r.holdTotalNs),
    );
  }
  return lines.map((l) => (l === '' ? l : indent + l));
}

export function formatLockStat(rows: readonly LockStatRow[]): string {
  return lockStatLines(rows).join('\n');
}
