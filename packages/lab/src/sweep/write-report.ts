// The end of a sweep (or of a merge): aggregate every stored point into
// summary.json and summary.csv (medians with their 95 % intervals), render
// the charts to SVG files, and write report.html and report.txt (the
// remedies table of each workload and engine, as text).
// Works on a partial directory too; the report then says what is missing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderSvg } from '../charts/render.js';
import { reportHtml, type ReportGroup } from '../charts/report-html.js';
import { groupCharts } from '../charts/specs.js';
import { summaryCsv } from '../results/csv.js';
import { INTERVAL_METHOD } from '../stats/interval.js';
import type { SummaryRow } from '../results/schema.js';
import { summarise } from './aggregate.js';
import { remedyTable, remedyText } from './remedies.js';
import type { PointView } from './point-view.js';
import { resultMeta, resultPoints, type ResultMeta } from './result-adapter.js';
import { sweepPoints, type SweepSpec } from './spec.js';
import { writeAtomically, type SweepStore } from './store.js';

export interface SweepSummary {
  spec: SweepSpec;
  rows: SummaryRow[];
  /** Keys of points not in the directory. */
  missing: string[];
}

export interface LoadedSweep {
  summary: SweepSummary;
  /** Metadata of the first stored point (tool version, host, scenario). */
  meta: ResultMeta | null;
  oversubscribed: boolean;
}

export function loadSweep(store: SweepStore): LoadedSweep {
  const have = new Set(store.keys());
  const views: PointView[] = [];
  let meta: ResultMeta | null = null;
  let oversubscribed = false;
  const missing: string[] = [];
  for (const p of sweepPoints(store.spec)) {
    if (!have.has(p.key)) {
      missing.push(p.key);
      continue;
    }
    const json = store.read(p.key);
    const file = store.pointFile(p.key);
    // The repeat index is the round: threads points run round by round (run.ts).
    views.push(...resultPoints(json, file).map((v) => ({ ...v, round: p.repeat })));
    const m = resultMeta(json, file);
    meta ??= m;
    oversubscribed ||= m.oversubscribed;
  }
  return { summary: { spec: store.spec, rows: summarise(views, store.spec.noiseThreshold), missing }, meta, oversubscribed };
}

function groupsOf(rows: readonly SummaryRow[]): Map<string, SummaryRow[]> {
  const groups = new Map<string, SummaryRow[]>();
  for (const r of rows) {
    const k = `${r.workload}-${r.engine}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(r);
  }
  return groups;
}

/** Strategy files, then one remedies table per workload and engine. */
function textReport(summary: SweepSummary): string[] {
  const out: string[] = [];
  const files = new Map(summary.rows.filter((r) => r.strategySource !== null).map((r) => [r.strategy, r.strategySource!]));
  for (const [name, src] of files) out.push(`strategy ${name} loaded from ${src.path} (sha256 ${src.sha256.slice(0, 12)})`);
  for (const rows of groupsOf(summary.rows).values()) out.push(...(out.length ? [''] : []), ...remedyText(remedyTable(rows, summary.spec.strategies)));
  if (summary.missing.length) out.push('', `partial sweep: ${summary.missing.length} point(s) not measured yet`);
  return out;
}

export interface WrittenReport {
  summaryFile: string;
  reportFile: string;
  textFile: string;
  /** What report.txt holds, for the terminal. */
  text: string[];
  chartFiles: string[];
  loaded: LoadedSweep;
}

/** Write summary.json, charts/*.svg and report.html into the sweep directory. */
export async function writeSweepReport(store: SweepStore, generatedAt: string): Promise<WrittenReport> {
  const loaded = loadSweep(store);
  const { summary, meta } = loaded;
  const summaryFile = join(store.dir, 'summary.json');
  writeAtomically(summaryFile, `${JSON.stringify({ ...summary, intervalMethod: INTERVAL_METHOD }, null, 2)}\n`);
  writeAtomically(join(store.dir, 'summary.csv'), summaryCsv(summary.rows));

  const chartDir = join(store.dir, 'charts');
  mkdirSync(chartDir, { recursive: true });
  const chartFiles: string[] = [];
  const groups: ReportGroup[] = [];
  for (const [id, rows] of groupsOf(summary.rows)) {
    const profile = rows[0]!.engine === 'virtual' ? ` (${String(meta?.scenario.profile ?? 'kernel')} profile)` : '';
    const label = `${rows[0]!.workload} on the ${rows[0]!.engine} engine${profile}`;
    const charts = [];
    for (const c of groupCharts(id, rows)) {
      const svg = await renderSvg(c);
      const file = join(chartDir, `${c.id}.svg`);
      writeFileSync(file, svg);
      chartFiles.push(file);
      charts.push({ id: c.id, title: c.title, svg });
    }
    groups.push({ label, rows, charts });
  }
  const text = textReport(summary);
  const textFile = join(store.dir, 'report.txt');
  writeAtomically(textFile, `${text.join('\n')}\n`);
  const reportFile = join(store.dir, 'report.html');
  writeAtomically(
    reportFile,
    reportHtml({
      spec: summary.spec,
      groups,
      toolVersion: meta?.toolVersion ?? 'unknown',
      host: meta?.host ?? {},
      scenario: meta?.scenario ?? null,
      oversubscribed: loaded.oversubscribed,
      missing: summary.missing,
      generatedAt,
    }),
  );
  return { summaryFile, reportFile, textFile, text, chartFiles, loaded };
}

/** What sweep and merge print when they have written the report: report.txt, then notes and where the report is. */
export function reportTerminalLines(r: WrittenReport): string[] {
  const { summary, oversubscribed } = r.loaded;
  const noisy = summary.rows.filter((row) => row.noisy).length;
  return [
    ...r.text,
    ...(oversubscribed ? ['oversubscribed: some points ran more CPUs than host cores; their threads-engine numbers reflect time-sliced CPUs'] : []),
    ...(noisy ? [`${noisy} noisy point(s): repeats spread wider than ${summary.spec.noiseThreshold * 100}% (see the report)`] : []),
    `report → ${r.reportFile}`,
  ];
}
