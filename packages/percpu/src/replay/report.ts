// The replay report: what was read, what was replayed, how many placements
// matched the kernel's, the first divergence with the events around it,
// chunk creation and destruction against the trace, divergences grouped by
// cause (with --resync), final allocator statistics and the size
// histogram. As an object (--json) or as text for a terminal.
import { formatPcpuBootLine, type PcpuGeometry } from '../geometry.js';
import type { PcpuStats } from '../stats.js';
import { sequenceOf, type BadLine } from './events.js';
import type { ParsedTrace } from './parse.js';
import type { Move, SearchStats } from './moves.js';

export interface Divergence {
  index: number;
  line: number;
  cpu: number;
  size: number;
  align: number;
  expected: { base: string; off: number };
  /** Where the model put it (its own decision under --resync); base null when it found no room. */
  got: { base: string | null; off: number };
  /** 'chunk': another chunk (or a new one); 'block': right chunk, another page; 'offset': right page; 'failed'. */
  cause: 'chunk' | 'block' | 'offset' | 'failed';
  /** The replayer had reordered events around it. */
  reordered: boolean;
}

/** Counters the replayer keeps while it runs. */
export interface ReplayTally {
  allocations: number;
  frees: number;
  fails: number;
  failsMatched: number;
  matched: number;
  reordered: number;
  unknownFrees: number;
  modelFailures: number;
  unplaceable: number;
  decisionsMatched: number;
  chunksCreatedTrace: number;
  chunksCreatedModel: number;
  chunksDestroyedTrace: number;
  chunksDestroyedModel: number;
  replayed: number;
  divergences: Divergence[];
  /** "size/align" → allocations in the trace. */
  sizes: Map<string, number>;
}

export interface ReplayReport {
  geometry: PcpuGeometry & { nrPossible: number };
  bootLine: string;
  lines: number;
  events: { read: number; replayed: number; skipped: number; linesSkipped: number; badLines: number };
  badLines: BadLine[];
  prelude: number;
  allocations: number;
  frees: number;
  fails: number;
  failsMatched: number;
  matched: number;
  /** Exact-offset matches over allocations, in the order replayed (reconstructed, unless --no-reorder). */
  matchRate: number;
  /** The same for the trace replayed as logged (--no-reorder): reconstruction never does worse. */
  matchedAsLogged: number;
  matchRateAsLogged: number;
  /** Out-of-order events (allocations logged after later frees or allocations) put back in order. */
  reordered: number;
  divergences: number;
  firstDivergence: (Divergence & { context: string[] }) | null;
  /** Frees of areas allocated before tracing (and not in the prelude). */
  unknownFrees: number;
  modelFailures: number;
  chunksCreated: { trace: number; model: number };
  chunksDestroyed: { trace: number; model: number };
  decisionMatchRate?: number;
  resync?: {
    decisionsMatched: number;
    /** Allocations the kernel's placement could not be imposed on (area not free in the model). */
    unplaceable: number;
    byCause: Record<Divergence['cause'], number>;
    bySizeAlign: { size: number; align: number; count: number }[];
    byBlock: { base: string; block: number; count: number }[];
    byChunk: { base: string; count: number }[];
  };
  /** Order reconstruction (absent with --no-reorder). */
  order?: OrderReport;
  phases: { line: number; text: string }[];
  sizeHistogram: { size: number; align: number; count: number }[];
  stats: PcpuStats;
}

export interface OrderReport {
  /** Seconds an allocation may have come before its line. */
  window: number;
  /** How far the search looks where nothing within the window explains a placement (the window itself if given). */
  reach: number;
  /** Allocation lines after a move that must be explained too before it is kept. */
  lookahead: number;
  /** What the search did: failures a move explained, backtracks, failures no order explained, moves rejected. */
  search: SearchStats;
  /** Allocations replayed earlier than their line. */
  moved: number;
  /** Largest time shift of a moved allocation (s). */
  largestShift: number;
  /** Every task's events (and each CPU's interrupt-context events) were applied in the order logged (sequenceOf). */
  perTaskOrderKept: boolean;
  /** The same trace replayed as logged (--no-reorder); with --resync also its decision rate. */
  before: { matched: number; matchRate: number; divergences: number; firstDivergenceLine: number | null; decisionMatchRate?: number };
  /** The reconstructed order's own figures. */
  reconstructed: { matched: number; matchRate: number; divergences: number; decisionMatchRate?: number };
  /**
   * The order the report is of: the reconstructed one, unless the logged
   * one explains more placements (then moves are none and the figures are
   * the logged order's).
   */
  kept: 'reconstructed' | 'logged';
  /** Allocations no reordering explains: real model divergences (listed up to a limit, all counted in `divergences`). */
  unexplained: Divergence[];
  /** Every move in replay order: what it moved, which placement failed without it, what it explains. */
  moves: Move[];
}

/** Input for the order part of the report. */
export interface OrderOutcome {
  window: number;
  reach: number;
  lookahead: number;
  search: SearchStats;
  moves: Move[];
  /** Event indices in the order they were applied. */
  applied: number[];
}

/** Most unexplained divergences listed in the report (all are counted). */
export const MAX_LISTED = 50;

/** Most moves the text report lists (--json lists all). */
const MAX_MOVES_SHOWN = 20;

/** Most bad lines listed (all are counted). */
const MAX_BAD_LINES = 50;

interface ReportSource {
  readonly percpu: { stats(): PcpuStats };
}

function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of items) out.set(key(t), (out.get(key(t)) ?? 0) + 1);
  return out;
}

function rate(n: number, d: number): number {
  return d === 0 ? 1 : n / d;
}

export function buildReport(
  src: ReportSource,
  parsed: ParsedTrace,
  t: ReplayTally,
  opts: { geometry: PcpuGeometry & { nrPossible: number }; prelude?: unknown[]; resync?: boolean; context?: number; order?: OrderOutcome | undefined },
): ReplayReport {
  const ctx = opts.context ?? 5;
  const first = t.divergences[0];
  const report: ReplayReport = {
    geometry: opts.geometry,
    bootLine: formatPcpuBootLine(opts.geometry),
    lines: parsed.lines,
    events: {
      read: parsed.events.length,
      replayed: t.replayed,
      skipped: parsed.events.length - t.replayed,
      linesSkipped: parsed.skipped,
      badLines: parsed.bad.length,
    },
    badLines: parsed.bad.slice(0, MAX_BAD_LINES),
    prelude: opts.prelude?.length ?? 0,
    allocations: t.allocations,
    frees: t.frees,
    fails: t.fails,
    failsMatched: t.failsMatched,
    matched: t.matched,
    matchRate: rate(t.matched, t.allocations),
    matchedAsLogged: t.matched,
    matchRateAsLogged: rate(t.matched, t.allocations),
    reordered: t.reordered,
    divergences: t.divergences.length,
    firstDivergence:
      first === undefined
        ? null
        : {
            ...first,
            context: parsed.events
              .slice(Math.max(0, first.index - ctx), first.index + ctx + 1)
              .map((e) => `${e.line === first.line ? '>' : ' '} ${String(e.line).padStart(7)}: ${parsed.source[e.line - 1]!.trim()}`),
          },
    unknownFrees: t.unknownFrees,
    modelFailures: t.modelFailures,
    chunksCreated: { trace: t.chunksCreatedTrace, model: t.chunksCreatedModel },
    chunksDestroyed: { trace: t.chunksDestroyedTrace, model: t.chunksDestroyedModel },
    phases: parsed.markers,
    sizeHistogram: [...t.sizes]
      .map(([k, count]) => {
        const [size, align] = k.split('/').map(Number);
        return { size: size!, align: align!, count };
      })
      .sort((a, b) => a.size - b.size || a.align - b.align),
    stats: src.percpu.stats(),
  };
  if (opts.order !== undefined) {
    const o = opts.order;
    report.reordered = o.moves.length;
    report.order = {
      window: o.window,
      reach: o.reach,
      lookahead: o.lookahead,
      search: o.search,
      moved: o.moves.length,
      largestShift: o.moves.reduce((m, x) => Math.max(m, x.shift), 0),
      perTaskOrderKept: perTaskOrderKept(parsed, o.applied),
      // Filled in by replayTrace, which also replays the trace as logged.
      before: { matched: 0, matchRate: 0, divergences: 0, firstDivergenceLine: null },
      reconstructed: { matched: t.matched, matchRate: rate(t.matched, t.allocations), divergences: t.divergences.length },
      kept: 'reconstructed',
      unexplained: t.divergences.slice(0, MAX_LISTED),
      moves: o.moves,
    };
  }
  if (opts.resync) {
    const d = t.divergences;
    report.decisionMatchRate = rate(t.decisionsMatched, t.allocations);
    const byCause = { chunk: 0, block: 0, offset: 0, failed: 0 };
    for (const x of d) byCause[x.cause]++;
    report.resync = {
      decisionsMatched: t.decisionsMatched,
      unplaceable: t.unplaceable,
      byCause,
      bySizeAlign: [...countBy(d, (x) => `${x.size}/${x.align}`)]
        .map(([k, count]) => ({ size: Number(k.split('/')[0]), align: Number(k.split('/')[1]), count }))
        .sort((a, b) => b.count - a.count),
      byBlock: [...countBy(d, (x) => `${x.expected.base}/${x.expected.off >>> 12}`)]
        .map(([k, count]) => ({ base: k.split('/')[0]!, block: Number(k.split('/')[1]), count }))
        .sort((a, b) => b.count - a.count),
      byChunk: [...countBy(d, (x) => x.expected.base)].map(([base, count]) => ({ base, count })).sort((a, b) => b.count - a.count),
    };
  }
  return report;
}

/** Is every sequence's (task's, or CPU's interrupts') subsequence of `applied` in line order? */
export function perTaskOrderKept(parsed: ParsedTrace, applied: number[]): boolean {
  const last = new Map<string, number>();
  for (const i of applied) {
    const seq = sequenceOf(parsed.events[i]!);
    if ((last.get(seq) ?? -1) > i) return false;
    last.set(seq, i);
  }
  return true;
}

/** One move and its evidence, for the text report: one clause a line, so a line stays within 120 columns. */
export function formatMove(m: Move): string[] {
  const others = m.explains.filter((l) => l !== m.failedLine);
  const also = others.length === 0 ? '' : others.length === 1 ? `, and so does line ${others[0]}` : `, and so do ${others.length} more lines (first ${others[0]})`;
  return [
    `line ${m.line} (CPU ${m.cpu}) before line ${m.beforeLine}, ${ms(m.shift)} earlier: line ${m.failedLine} failed as logged;`,
    `  with the move it lands at the kernel's offset${also};`,
    `  the next ${m.checked.allocations} allocation lines, through line ${m.checked.throughLine}, were checked after it`,
  ];
}

function ms(s: number): string {
  return `${(s * 1000).toFixed(3)} ms`;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)} %`;
}

/** The report as text for a terminal. */
/** Entries of the size histogram printed per line. */
const SIZES_PER_LINE = 8;

export function formatReport(r: ReplayReport): string {
  const out: string[] = [];
  const g = r.geometry;
  out.push(`percpu replay: ${r.bootLine}, ${g.nrPossible} possible CPUs`);
  out.push(
    `  lines ${r.lines}: ${r.events.read} percpu events read, ${r.events.replayed} replayed, ${r.events.skipped} skipped;`,
    `    ${r.events.linesSkipped} lines skipped (headers, stack traces, markers), ${r.events.badLines} bad`,
  );
  for (const b of r.badLines.slice(0, 10)) out.push(`    line ${b.line}: ${b.kind}: ${b.reason}`);
  if (r.events.badLines > 10) out.push(`    … ${r.events.badLines - 10} more bad lines`);
  if (r.prelude > 0) out.push(`  prelude: ${r.prelude} allocations before the trace`);
  out.push(`  allocations ${r.allocations}, frees ${r.frees}, failed allocations ${r.fails} (model agrees on ${r.failsMatched})`);
  const o = r.order;
  if (o !== undefined) {
    out.push(`  exact-offset match as logged (--no-reorder): ${r.matchedAsLogged}/${r.allocations} = ${pct(r.matchRateAsLogged)}`);
    if (o.before.decisionMatchRate !== undefined) out.push(`  decisions as logged (--no-reorder --resync): ${pct(o.before.decisionMatchRate)}`);
    if (o.kept === 'logged') {
      out.push(`  exact-offset match of the reconstructed order: ${o.reconstructed.matched}/${r.allocations} = ${pct(o.reconstructed.matchRate)}: fewer, so the logged order is kept`);
    }
    out.push(`  exact-offset match after reconstruction: ${r.matched}/${r.allocations} = ${pct(r.matchRate)}`);
    out.push(
      `  order: window ${ms(o.window)}${o.reach > o.window ? ` (${ms(o.reach)} where nothing within explains a placement)` : ''}, ` +
        `look-ahead ${o.lookahead} allocations;`,
      `    ${o.moved} allocations replayed earlier than logged, largest shift ${ms(o.largestShift)}; ` +
        `per-task order ${o.perTaskOrderKept ? 'kept' : 'CHANGED'}`,
    );
    const s = o.search;
    out.push(
      `  search: decisions ${s.decisions} (a failed placement and a move that held), backtracks ${s.backtracks},`,
      `    failures unexplained when met ${s.giveUps}, moves rejected ${s.rejected} (the logged order explained what they broke)`,
    );
    for (const m of o.moves.slice(0, MAX_MOVES_SHOWN)) out.push(...formatMove(m).map((l) => `    ${l}`));
    if (o.moves.length > MAX_MOVES_SHOWN) out.push(`    … ${o.moves.length - MAX_MOVES_SHOWN} more moves (--json lists them all)`);
    out.push(`  allocations no reordering explains: ${r.divergences}`);
    for (const d of o.unexplained.slice(0, 10)) {
      out.push(`    line ${d.line} (CPU ${d.cpu}, size ${d.size} align ${d.align}): kernel ${d.expected.base}+${d.expected.off}, model ${d.got.base ?? 'no room'}${d.got.off >= 0 ? `+${d.got.off}` : ''} (${d.cause})`);
    }
  } else {
    out.push(`  exact-offset match: ${r.matched}/${r.allocations} = ${pct(r.matchRate)}`);
  }
  if (r.decisionMatchRate !== undefined && r.resync !== undefined) {
    out.push(`  decisions (--resync): ${r.resync.decisionsMatched}/${r.allocations} = ${pct(r.decisionMatchRate)}, ${r.resync.unplaceable} not placeable`);
  }
  if (o === undefined) out.push(`  reordered events: ${r.reordered}`);
  out.push(`  frees of areas from before tracing: ${r.unknownFrees}; model failures: ${r.modelFailures}`);
  out.push(
    `  chunks created: trace ${r.chunksCreated.trace}, model ${r.chunksCreated.model}; destroyed: trace ${r.chunksDestroyed.trace}, model ${r.chunksDestroyed.model}`,
  );
  const d = r.firstDivergence;
  if (d === null) out.push('  no divergence');
  else {
    out.push(
      `  first divergence at line ${d.line} (CPU ${d.cpu}, size ${d.size} align ${d.align}): kernel ${d.expected.base}+${d.expected.off}, ` +
        `model ${d.got.base ?? 'no room'}${d.got.off >= 0 ? `+${d.got.off}` : ''} (${d.cause})`,
    );
    for (const l of d.context) out.push(`    ${l}`);
  }
  if (r.resync !== undefined && r.divergences > 0) {
    const c = r.resync.byCause;
    out.push(`  divergences by cause: chunk ${c.chunk}, block ${c.block}, offset ${c.offset}, failed ${c.failed}`);
    out.push(`    by size/align: ${r.resync.bySizeAlign.slice(0, 8).map((x) => `${x.size}/${x.align}×${x.count}`).join(', ')}`);
    out.push(`    by block: ${r.resync.byBlock.slice(0, 8).map((x) => `${x.base}#${x.block}×${x.count}`).join(', ')}`);
  }
  const s = r.stats;
  out.push(
    `  final: nr_alloc ${s.nrAlloc} nr_dealloc ${s.nrDealloc} nr_cur_alloc ${s.nrCurAlloc} nr_max_alloc ${s.nrMaxAlloc}`,
    `    nr_chunks ${s.nrChunks} nr_max_chunks ${s.nrMaxChunks} min/max alloc ${s.minAllocSize}/${s.maxAllocSize} empty_pop_pages ${s.emptyPopPages}`,
  );
  for (const c of s.chunks) {
    out.push(`    chunk ${c.kind.padEnd(13)} slot ${String(c.slot).padStart(2)}: free ${c.freeBytes} contig ${c.contigBytes} allocs ${c.nrAlloc} empty_pop_pages ${c.emptyPopPages}`);
  }
  // size/align×count, eight to a line: the terminal's 120 columns hold eight of the widest.
  const sizes = r.sizeHistogram.map((h) => `${h.size}/${h.align}×${h.count}`);
  for (let i = 0; i < sizes.length; i += SIZES_PER_LINE) out.push(`${i === 0 ? '  sizes:' : '        '} ${sizes.slice(i, i + SIZES_PER_LINE).join(' ')}`);
  return out.join('\n');
}
