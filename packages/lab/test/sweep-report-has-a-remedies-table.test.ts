// The sweep's remedies table: every strategy at every CPU count with its
// gain over baseline at that count, percpu memory in use and parked, and the
// mm path's global locks per lifetime; the same cells in report.txt and in
// report.html.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reportHtml } from '../src/charts/report-html.js';
import { summarise } from '../src/sweep/aggregate.js';
import type { PointView } from '../src/sweep/point-view.js';
import { remedyTable, remedyText } from '../src/sweep/remedies.js';
import { parseSweepSpec } from '../src/sweep/spec.js';

const lock = (acquisitions: number) => ({ acquisitions, contentions: 0, waitTotalNs: 0, holdTotalNs: 0, conBounces: 0, acqBounces: 0, waitShare: 0 });

function point(strategy: string, cpus: number, throughput: number, locks: Record<string, number>, parked: number): PointView {
  return {
    workload: 'doexec', engine: 'virtual', strategy, strategySource: null, cpus, lifetimes: 1000, throughput,
    locks: Object.fromEntries(Object.entries(locks).map(([k, n]) => [k, lock(n * 1000)])),
    percpu: { bytesInUse: 4096 * cpus, bytesParked: parked },
    timeSplit: null,
    machine: null,
  };
}

test('gain over baseline per CPU count, memory, and locks per lifetime, as text and HTML', () => {
  const base = { pcpu_alloc_mutex: 2, pcpu_lock: 4, percpu_counters_lock: 2, pgd_lock: 2 };
  const cached = { pcpu_alloc_mutex: 0, pcpu_lock: 0.05, percpu_counters_lock: 2, pgd_lock: 2 };
  const rows = summarise([
    point('grouped-cached', 1, 110, cached, 512), point('baseline', 1, 100, base, 0),
    point('grouped-cached', 8, 600, cached, 4096), point('baseline', 8, 400, base, 0),
  ], 0.1);
  const spec = parseSweepSpec({ workloads: ['doexec'], engines: ['virtual'], strategies: ['baseline', 'grouped-cached'], cpus: [1, 8] }, 'test');
  const t = remedyTable(rows, spec.strategies);
  assert.deepEqual(t.columns.map((c) => c.title), [
    'CPUs', 'strategy', 'lifetimes/s', 'vs baseline', 'percpu in use', 'parked',
    'pcpu_alloc_mutex/lifetime', 'pcpu_lock/lifetime', 'percpu_counters_lock/lifetime', 'pgd_lock/lifetime',
  ]);
  assert.deepEqual(t.rows.map((r) => [r[0], r[1], r[3], r[5], ...r.slice(6)]), [
    ['1', 'baseline', '–', '0 B', '2', '4', '2', '2'],
    ['1', 'grouped-cached', '+10.0%', '512 B', '0', '0.05', '2', '2'],
    ['8', 'baseline', '–', '0 B', '2', '4', '2', '2'],
    ['8', 'grouped-cached', '+50.0%', '4.0 KiB', '0', '0.05', '2', '2'],
  ]);
  const text = remedyText(t).join('\n');
  assert.match(text, /^remedies: doexec on the virtual engine$/m);
  assert.match(text, /^\s+8\s+grouped-cached\s+600\s+\+50\.0%/m);
  const html = reportHtml({
    spec, groups: [{ label: 'doexec', rows, charts: [] }], toolVersion: 't', host: {}, scenario: null,
    oversubscribed: false, missing: [], generatedAt: 'now',
  });
  const table = /<table class="remedies">.*?<\/table>/s.exec(html)?.[0] ?? '';
  for (const r of t.rows) assert.ok(table.includes(`<tr>${r.map((c, i) => (i === 1 ? `<td class="l">${c}</td>` : `<td>${c}</td>`)).join('')}</tr>`), r.join(' '));
});
