// The remedies table: the one table a reader of the mailing-list thread
// wants. For each CPU count and strategy of one workload and engine: the
// median throughput, its gain over baseline at the same CPU count, the
// percpu memory in use and parked in caches at the end of the run, and the
// global locks of the mm path per mm lifetime (acquisitions over lifetimes,
// so the end-of-run cache drain shows as a small fraction). Cells are built
// once here and rendered as text (report.txt, the terminal) and as HTML
// (report.html). With repeats, the throughput's 95 % interval gets a column
// (n<6: too few repeats for one).
import { textTable, type Column } from '../report/table.js';
import { bytes, si, signedPercent } from '../report/units.js';
import { MIN_SAMPLES } from '../stats/interval.js';
import type { SummaryRow } from '../results/schema.js';

/** The global locks of an mm lifetime the thread counts (KERNEL.md §2). */
export const REMEDY_LOCKS = ['pcpu_alloc_mutex', 'pcpu_lock', 'percpu_counters_lock', 'pgd_lock'] as const;
const REFERENCE = 'baseline';

export interface RemedyTable {
  title: string;
  columns: Column[];
  rows: string[][];
}

const perLifetime = (r: SummaryRow, lock: string): string =>
  r.lifetimes > 0 ? String(+((r.locks[lock]?.acquisitions ?? 0) / r.lifetimes).toFixed(2)) : '–';

/** Rows of one workload and engine, strategies in `order` (the sweep's). */
export function remedyTable(rows: readonly SummaryRow[], order: readonly string[]): RemedyTable {
  const present = order.filter((s) => rows.some((r) => r.strategy === s));
  const ref = present.includes(REFERENCE) ? REFERENCE : present[0]!;
  const cpus = [...new Set(rows.map((r) => r.cpus))].sort((a, b) => a - b);
  const repeated = rows.some((r) => r.repeats > 1);
  const columns: Column[] = [
    { title: 'CPUs', right: true }, { title: 'strategy' }, { title: 'lifetimes/s', right: true },
    ...(repeated ? [{ title: '95% interval', right: true }] : []),
    { title: `vs ${ref}`, right: true }, { title: 'percpu in use', right: true }, { title: 'parked', right: true },
    ...REMEDY_LOCKS.map((l) => ({ title: `${l}/lifetime`, right: true })),
  ];
  const out: string[][] = [];
  for (const n of cpus) {
    const base = rows.find((r) => r.strategy === ref && r.cpus === n);
    for (const s of present) {
      const r = rows.find((x) => x.strategy === s && x.cpus === n);
      if (r === undefined) continue;
      out.push([
        String(n), s, si(r.throughput.median),
        ...(repeated ? [r.throughputCi === null ? `n<${MIN_SAMPLES}` : `${si(r.throughputCi.lo)}-${si(r.throughputCi.hi)}`] : []),
        s === ref || base === undefined ? '–' : signedPercent(r.throughput.median / base.throughput.median - 1),
        r.percpu === null ? '–' : bytes(r.percpu.bytesInUse),
        r.percpu === null ? '–' : bytes(r.percpu.bytesParked),
        ...REMEDY_LOCKS.map((l) => perLifetime(r, l)),
      ]);
    }
  }
  return { title: `remedies: ${rows[0]!.workload} on the ${rows[0]!.engine} engine`, columns, rows: out };
}

export function remedyText(t: RemedyTable): string[] {
  return [t.title, ...textTable(t.columns, t.rows, '  ')];
}
