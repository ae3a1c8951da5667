// report.html: one self-contained page per sweep — the charts (inline SVG),
// the strategy comparison and lock tables, the scenario, host and tool
// version. No script, no external stylesheet, font or image, so it opens
// from disk, from a CI artifact or a mail attachment with no network.
import type { SummaryRow } from '../results/schema.js';
import { remedyTable } from '../sweep/remedies.js';
import type { SweepSpec } from '../sweep/spec.js';
import type { StrategySource } from '../strategies/file.js';
import { MIN_SAMPLES } from '../stats/interval.js';
import { autoTime, percent, si, signedPercent } from '../report/units.js';

export interface RenderedChart {
  id: string;
  title: string;
  svg: string;
}

export interface ReportGroup {
  label: string;
  rows: SummaryRow[];
  charts: RenderedChart[];
}

export interface ReportInput {
  spec: SweepSpec;
  groups: ReportGroup[];
  toolVersion: string;
  host: Record<string, unknown>;
  /** Scenario of the runs, as the engine recorded it. */
  scenario: unknown;
  oversubscribed: boolean;
  /** Keys of points not (yet) measured: the report is then partial. */
  missing: string[];
  generatedAt: string;
}

/** Text for HTML: the five characters that could open markup or end an attribute, as character references. */
function h(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1400px;padding:0 16px;color:#222}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #ddd}
h3{font-size:15px;margin:20px 0 6px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}
dl.meta dt{color:#666}dl.meta dd{margin:0}
.banner{padding:8px 12px;margin:8px 0;border-radius:4px;background:#fff4d6;border:1px solid #e8c66a}
.charts{display:flex;flex-wrap:wrap;gap:16px}
figure.chart{margin:0;padding:8px;border:1px solid #e4e4e4;border-radius:4px;max-width:100%;box-sizing:border-box;overflow-x:auto}
figure.chart figcaption{font-weight:600;margin-bottom:4px}
table{border-collapse:collapse;margin:6px 0;font-variant-numeric:tabular-nums}
th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
th{background:#f6f6f6}td.l,th.l{text-align:left}
.noisy{color:#b35900}pre{background:#f6f6f6;padding:10px;overflow:auto;font-size:12px}
.scroll{max-width:100%;overflow-x:auto}
`;

/** A table in a box of the page's width that scrolls sideways when the table is wider (many strategies side by side). */
function scrolling(table: string): string {
  return `<div class="scroll">${table}</div>`;
}

/** Strategies loaded by path, with the file each came from. */
function strategyFiles(input: ReportInput): [string, StrategySource][] {
  const rows = input.groups.flatMap((g) => g.rows).filter((r) => r.strategySource !== null);
  return [...new Map(rows.map((r) => [r.strategy, r.strategySource!])).entries()];
}

function metaList(input: ReportInput): string {
  const hostText = Object.entries(input.host)
    .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
  const s = input.spec;
  const items: [string, string][] = [
    ['sweep', s.name],
    ['matrix', `${s.workloads.join(', ')} × ${s.engines.join(', ')} × ${s.strategies.join(', ')} × CPUs ${s.cpus.join(', ')} × ${s.repeats} repeat${s.repeats > 1 ? 's' : ''}`],
    ...strategyFiles(input).map(([name, src]): [string, string] => [`strategy ${name}`, `${src.path} (sha256 ${src.sha256.slice(0, 12)})`]),
    ['tool', `percpu-lab ${input.toolVersion}`],
    ['host', hostText || 'unknown'],
    ['generated', input.generatedAt],
  ];
  return `<dl class="meta">${items.map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join('')}</dl>`;
}

function banners(input: ReportInput): string {
  const out: string[] = [];
  if (input.oversubscribed) {
    out.push('Oversubscribed: some points ran more emulated CPUs than host cores; their threads-engine numbers reflect time-sliced CPUs.');
  }
  const noisy = input.groups.flatMap((g) => g.rows.filter((r) => r.noisy));
  if (noisy.length) {
    const list = noisy.map((r) => `${r.strategy} @ ${r.cpus} CPUs (spread ${percent(r.throughput.spread)})`).join('; ');
    out.push(`Noisy points (repeats spread wider than ${percent(input.spec.noiseThreshold, 0)}): ${list}.`);
  }
  if (input.missing.length) {
    out.push(`Partial sweep: ${input.missing.length} point(s) not measured yet; rerun the same sweep command to fill them in.`);
  }
  return out.map((t) => `<p class="banner">${h(t)}</p>`).join('\n');
}

function strategiesOf(rows: readonly SummaryRow[], spec: SweepSpec): string[] {
  const present = new Set(rows.map((r) => r.strategy));
  return spec.strategies.filter((s) => present.has(s));
}

function comparisonTable(rows: readonly SummaryRow[], spec: SweepSpec): string {
  const strategies = strategiesOf(rows, spec);
  const ref = strategies[0]!;
  const cpus = [...new Set(rows.map((r) => r.cpus))].sort((a, b) => a - b);
  const at = (s: string, n: number) => rows.find((r) => r.strategy === s && r.cpus === n);
  const head1 = strategies.map((s) => `<th colspan="${s === ref ? 2 : 3}">${h(s)}</th>`).join('');
  const head2 = strategies.map((s) => `<th>lifetimes/s</th><th>speedup</th>${s === ref ? '' : `<th>vs ${h(ref)}</th>`}`).join('');
  const body = cpus.map((n) => {
    const base = at(ref, n);
    const cells = strategies.map((s) => {
      const r = at(s, n);
      if (!r) return `<td>–</td><td>–</td>${s === ref ? '' : '<td>–</td>'}`;
      const ci = r.throughputCi ? ` <small>[${si(r.throughputCi.lo)}, ${si(r.throughputCi.hi)}]</small>` : '';
      const tput = r.noisy
        ? `<td class="noisy" title="spread ${percent(r.throughput.spread)} over ${r.repeats} repeats">${si(r.throughput.median)} ~${ci}</td>`
        : `<td>${si(r.throughput.median)}${ci}</td>`;
      const vs = s === ref ? '' : `<td>${base ? signedPercent(r.throughput.median / base.throughput.median - 1) : '–'}</td>`;
      const sci = r.speedupCi ? ` <small>[${r.speedupCi.lo.toFixed(2)}, ${r.speedupCi.hi.toFixed(2)}]</small>` : '';
      return `${tput}<td>${r.speedup.toFixed(2)}×${sci}</td>${vs}`;
    });
    return `<tr><td class="l">${n}</td>${cells.join('')}</tr>`;
  });
  return scrolling(`<table class="comparison"><thead><tr><th class="l" rowspan="2">CPUs</th>${head1}</tr><tr>${head2}</tr></thead><tbody>${body.join('')}</tbody></table>`);
}

function lockRows(rows: readonly SummaryRow[]): string {
  return rows
    .flatMap((r) =>
      Object.entries(r.locks)
        .filter(([, l]) => l.acquisitions > 0)
        .map(
          ([cls, l]) =>
            `<tr><td class="l">${h(r.strategy)}</td><td>${r.cpus}</td><td class="l">${h(cls)}</td><td>${si(l.conBounces)}</td><td>${si(l.contentions)}</td><td>${autoTime(l.waitTotalNs)}</td><td>${si(l.acqBounces)}</td><td>${si(l.acquisitions)}</td><td>${autoTime(l.holdTotalNs)}</td><td>${percent(l.waitShare)}</td></tr>`,
        ),
    )
    .join('');
}

function lockTable(rows: readonly SummaryRow[], spec: SweepSpec): string {
  const head =
    '<tr><th class="l">strategy</th><th>CPUs</th><th class="l">lock class</th><th>con-bounces</th><th>contentions</th><th>wait total</th><th>acq-bounces</th><th>acquisitions</th><th>hold total</th><th>time waiting</th></tr>';
  const maxCpus = Math.max(...rows.map((r) => r.cpus));
  const order = strategiesOf(rows, spec);
  const sorted = [...rows].sort((a, b) => order.indexOf(a.strategy) - order.indexOf(b.strategy) || a.cpus - b.cpus);
  const top = sorted.filter((r) => r.cpus === maxCpus);
  return (
    `<h3>Locks at ${maxCpus} CPUs</h3>${scrolling(`<table class="locks"><thead>${head}</thead><tbody>${lockRows(top)}</tbody></table>`)}` +
    `<details><summary>Locks at every CPU count</summary>${scrolling(`<table class="locks"><thead>${head}</thead><tbody>${lockRows(sorted)}</tbody></table>`)}</details>`
  );
}

/** Gain over baseline, percpu memory and locks per lifetime, every strategy at every CPU count. */
function remediesTable(rows: readonly SummaryRow[], spec: SweepSpec): string {
  const t = remedyTable(rows, spec.strategies);
  const cell = (s: string, i: number) => (t.columns[i]!.right ? `<td>${h(s)}</td>` : `<td class="l">${h(s)}</td>`);
  const head = t.columns.map((c) => `<th${c.right ? '' : ' class="l"'}>${h(c.title)}</th>`).join('');
  return scrolling(`<table class="remedies"><thead><tr>${head}</tr></thead><tbody>${t.rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table>`);
}

function groupSection(g: ReportGroup, spec: SweepSpec): string {
  const figures = g.charts
    .map((c) => `<figure class="chart" data-chart="${h(c.id)}"><figcaption>${h(c.title)}</figcaption>${c.svg}</figure>`)
    .join('\n');
  return `<section class="group"><h2>${h(g.label)}</h2>
<div class="charts">${figures}</div>
<h3>Strategies side by side (median throughput and speedup [95 % interval, from ${MIN_SAMPLES} repeats]; ~ marks a noisy point)</h3>
${comparisonTable(g.rows, spec)}
<h3>Remedies: gain over baseline, percpu memory at the end of the run, global locks per mm lifetime</h3>
${remediesTable(g.rows, spec)}
${lockTable(g.rows, spec)}
</section>`;
}

export function reportHtml(input: ReportInput): string {
  const title = `percpu-lab sweep: ${input.spec.name}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${h(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${CSS}</style></head>
<body>
<h1>${h(title)}</h1>
${metaList(input)}
${banners(input)}
${input.groups.map((g) => groupSection(g, input.spec)).join('\n')}
<h2>Scenario</h2>
<h3>Sweep</h3>
<pre>${h(JSON.stringify(input.spec, null, 2))}</pre>
<h3>Scenario of the first point, as the engine recorded it</h3>
<p>Every point runs this scenario with its own workload, engine, strategy, CPU count and seed (seed + repeat).</p>
<pre>${h(JSON.stringify(input.scenario, null, 2))}</pre>
</body></html>
`;
}
