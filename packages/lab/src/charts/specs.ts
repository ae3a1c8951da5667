// The report's charts as vega-lite specs, built from the sweep summary rows
// of one series group (one workload on one engine). Data goes in as values;
// the charting library draws axes, scales and marks — nothing here draws.
//
// Every chart puts CPUs on a log2 x axis with a tick at each measured count,
// because scaling questions are asked per doubling (1, 2, 4 … 256 CPUs).
// Throughput and speedup use a log y axis too, so linear scaling is a
// straight line and the CPU count where a strategy flattens stands out.
// Throughput and speedup carry error bars: the 95 % interval of the median
// over the repeats (stats/interval.ts), where there are enough repeats for
// one.
import { SPLIT_PARTS } from '../cost-model/index.js';
import type { TopLevelSpec } from 'vega-lite';
import type { SummaryRow } from '../results/schema.js';

export interface ChartSpec {
  /** Stable id, used as file name (`<id>.svg`) and in the report. */
  id: string;
  title: string;
  spec: TopLevelSpec;
}

const WIDTH = 420;
const HEIGHT = 260;

function cpuAxis(rows: readonly SummaryRow[]) {
  const values = [...new Set(rows.map((r) => r.cpus))].sort((a, b) => a - b);
  return {
    field: 'cpus',
    type: 'quantitative' as const,
    title: 'CPUs',
    scale: { type: 'log' as const, base: 2, domain: [values[0]!, values[values.length - 1]!], nice: false },
    axis: { values, format: 'd' },
  };
}

const strategyColor = { field: 'strategy', type: 'nominal' as const, title: 'strategy' };

/** Error bars from lo to hi, drawn only for the values that have them. */
function errorBars(rows: readonly SummaryRow[], scale: object, values: { lo: number | null; hi: number | null }[]): object[] {
  if (values.every((v) => v.lo === null)) return [];
  return [{
    transform: [{ filter: 'datum.lo != null' }],
    mark: { type: 'rule', strokeWidth: 2 },
    encoding: { x: cpuAxis(rows), y: { field: 'lo', type: 'quantitative', scale }, y2: { field: 'hi' }, color: strategyColor },
  }];
}

function throughputChart(id: string, rows: readonly SummaryRow[]): ChartSpec {
  const values = rows.map((r) => ({
    strategy: r.strategy, cpus: r.cpus, throughput: r.throughput.median, lo: r.throughputCi?.lo ?? null, hi: r.throughputCi?.hi ?? null,
  }));
  const withBars = values.some((v) => v.lo !== null);
  const layers: object[] = [
    {
      mark: { type: 'line', point: true },
      encoding: {
        x: cpuAxis(rows),
        y: {
          field: 'throughput', type: 'quantitative', scale: { type: 'log' },
          title: `mm lifetimes/s (median, log scale${withBars ? '; bars: 95 % interval' : ''})`,
        },
        color: strategyColor,
      },
    },
    ...errorBars(rows, { type: 'log' }, values),
  ];
  return {
    id: `${id}-throughput`,
    title: 'throughput vs CPUs',
    spec: { width: WIDTH, height: HEIGHT, data: { values }, layer: layers } as TopLevelSpec,
  };
}

/** Speedup or efficiency, with the ideal (linear scaling) as a dashed reference. */
function scalingChart(id: string, rows: readonly SummaryRow[], which: 'speedup' | 'efficiency'): ChartSpec {
  const minCpus = Math.min(...rows.map((r) => r.cpus));
  const values = rows.map((r) => {
    // Efficiency is speedup per CPU added, so its interval is the speedup's scaled alike.
    const per = which === 'speedup' ? 1 : r.speedup / r.efficiency;
    return { strategy: r.strategy, cpus: r.cpus, value: r[which], lo: r.speedupCi ? r.speedupCi.lo / per : null, hi: r.speedupCi ? r.speedupCi.hi / per : null };
  });
  const withBars = values.some((v) => v.lo !== null);
  const ideal = [...new Set(rows.map((r) => r.cpus))].map((cpus) => ({ cpus, value: which === 'speedup' ? cpus / minCpus : 1 }));
  const title = which === 'speedup' ? `speedup vs ${minCpus} CPU${minCpus > 1 ? 's' : ''}` : 'efficiency (speedup per CPU)';
  const yScale = which === 'speedup' ? { type: 'log' as const, base: 2 } : { type: 'linear' as const };
  return {
    id: `${id}-${which}`,
    title,
    spec: {
      width: WIDTH,
      height: HEIGHT,
      layer: [
        {
          data: { values: ideal },
          mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
          encoding: { x: cpuAxis(rows), y: { field: 'value', type: 'quantitative', scale: yScale } },
        },
        {
          data: { values },
          mark: { type: 'line', point: true },
          encoding: {
            x: cpuAxis(rows),
            y: {
              field: 'value',
              type: 'quantitative',
              title: `${which === 'speedup' ? 'speedup (log scale; dashed: ideal' : 'efficiency (dashed: ideal'}${withBars ? '; bars: 95 % interval)' : ')'}`,
              scale: yScale,
              ...(which === 'efficiency' ? { axis: { format: '.0%' } } : {}),
            },
            color: strategyColor,
          },
        },
        ...errorBars(rows, yScale, values).map((bar) => ({ data: { values }, ...bar })),
      ],
    } as TopLevelSpec,
  };
}

/** Share of all CPUs' time spent waiting, one line per lock class, one panel per strategy. */
function waitShareChart(id: string, rows: readonly SummaryRow[]): ChartSpec {
  const values = rows.flatMap((r) =>
    Object.entries(r.locks)
      .filter(([, l]) => l.acquisitions > 0)
      .map(([lock, l]) => ({ strategy: r.strategy, cpus: r.cpus, lock, share: l.waitShare })),
  );
  return {
    id: `${id}-lock-wait`,
    title: 'share of CPU time waiting, per lock class',
    spec: facetedLines(values, rows, { column: { field: 'strategy', type: 'nominal', title: null } }, {
      y: { field: 'share', type: 'quantitative', title: 'time waiting', axis: { format: '.2~%' } },
      color: { field: 'lock', type: 'nominal', title: 'lock class', scale: { scheme: 'dark2' }, legend: { labelLimit: 240 } },
    }),
  };
}

/** Small multiples: one line panel per value of the facet field, CPUs on x. */
function facetedLines(values: object[], rows: readonly SummaryRow[], facet: object, encoding: { y: object; color: object }): TopLevelSpec {
  return {
    data: { values },
    facet,
    spec: {
      width: 200,
      height: 180,
      mark: { type: 'line', point: true },
      encoding: { x: cpuAxis(rows), ...encoding },
    },
  } as TopLevelSpec;
}

/** percpu bytes in use and parked in caches (slab-dtor objects, pcpu cache) vs CPUs, one panel each. */
function percpuChart(id: string, rows: readonly SummaryRow[]): ChartSpec | null {
  const values = rows.flatMap((r) =>
    r.percpu
      ? [
          { strategy: r.strategy, cpus: r.cpus, kind: 'in use', kib: r.percpu.bytesInUse / 1024 },
          { strategy: r.strategy, cpus: r.cpus, kind: 'parked', kib: r.percpu.bytesParked / 1024 },
        ]
      : [],
  );
  if (values.length === 0) return null;
  return {
    id: `${id}-percpu-memory`,
    title: 'percpu memory vs CPUs: in use, and parked in caches',
    spec: {
      ...facetedLines(values, rows, { column: { field: 'kind', type: 'nominal', title: null, sort: ['in use', 'parked'] } }, {
        y: { field: 'kib', type: 'quantitative', title: 'KiB (all units)', axis: { format: ',.1~f' } },
        color: strategyColor,
      }),
      resolve: { scale: { y: 'independent' } },
    } as TopLevelSpec,
  };
}

/**
 * Where a lifetime's time goes: one stacked bar per CPU count, one panel per
 * strategy, µs per lifetime split into exec work, the percpu path, the loops
 * over CPUs, line transfers, other model work and the wait on each lock
 * class. Shows *why* a strategy stops scaling: the part that grows.
 */
function timeSplitChart(id: string, rows: readonly SummaryRow[]): ChartSpec | null {
  const parts = SPLIT_PARTS;
  const values = rows.flatMap((r) => {
    const s = r.timeSplit;
    if (s === null) return [];
    return [
      // rank: the stacking order, exec work at the bottom and lock waits on top.
      ...parts.map((part, rank) => ({ strategy: r.strategy, cpus: r.cpus, part, rank, us: s[part] / 1000 })),
      ...Object.entries(s.wait).map(([lock, ns]) => ({ strategy: r.strategy, cpus: r.cpus, part: `wait: ${lock}`, rank: parts.length, us: ns / 1000 })),
    ];
  });
  if (values.length === 0) return null;
  return {
    id: `${id}-time-split`,
    title: "where a lifetime's time goes (µs per mm lifetime)",
    spec: {
      data: { values },
      facet: { column: { field: 'strategy', type: 'nominal', title: null } },
      spec: {
        width: 200,
        height: 200,
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'cpus', type: 'ordinal', title: 'CPUs', sort: 'ascending' },
          y: { field: 'us', type: 'quantitative', title: 'µs per lifetime', stack: 'zero' },
          color: { field: 'part', type: 'nominal', title: 'part', scale: { scheme: 'tableau20' }, legend: { labelLimit: 240 } },
          order: { field: 'rank', type: 'quantitative' },
        },
      },
    } as TopLevelSpec,
  };
}

/** Every chart of one series group (`rows` share workload and engine). */
export function groupCharts(id: string, rows: readonly SummaryRow[]): ChartSpec[] {
  const charts = [
    throughputChart(id, rows),
    scalingChart(id, rows, 'speedup'),
    scalingChart(id, rows, 'efficiency'),
    waitShareChart(id, rows),
    percpuChart(id, rows),
    timeSplitChart(id, rows),
  ];
  return charts.filter((c): c is ChartSpec => c !== null);
}
