// Replays a real percpu trace on the model and compares every placement
// with the kernel's.
//
// The jobs live in their own modules: chunk-pairing.ts (which model chunk
// and pointer is which trace chunk and area), place.ts (applying one event
// to the model and taking it back), resync.ts (--resync), fixups.ts (the
// as-logged replay with its local fix-ups, --no-reorder) and
// order-search.ts with candidates.ts and timeline.ts (order
// reconstruction, the default). This file boots the replay machine, runs
// the prelude, hands the events to one of the two replays, and reports.
//
// Balance work runs at the CPU's next scheduling point, i.e. right after
// the event that scheduled it (what the kworker usually does within
// microseconds; on a busy machine it can run later and see other chunks
// free, so the chunks it destroys can differ from the kernel's).
import { runPendingWork, workqueuePendingIndex, type Kernel, type RealCpu } from '@percpu-lab/machine';
import type { PcpuGeometry } from '../geometry.js';
import type { Percpu } from '../percpu.js';
import { ChunkPairing } from './chunk-pairing.js';
import { ReplayInputError } from './errors.js';
import type { AllocEvent, PcpuEvent } from './events.js';
import { AsLoggedReplay } from './fixups.js';
import { bootReplayMachine } from './machine.js';
import { LOOKAHEAD_ALLOCS, OrderSearch } from './order-search.js';
import type { ParsedTrace } from './parse.js';
import { newTally, Placer, type Applied } from './place.js';
import type { PreludeAlloc } from './prelude.js';
import { buildReport, MAX_LISTED, perTaskOrderKept, type Divergence, type ReplayReport } from './report.js';
import type { OrderHost } from './timeline.js';
import { undoForBalanceWork } from './undo.js';
import { BEYOND_WINDOW, defaultWindow } from './window.js';

export interface ReplayOptions {
  /** Geometry with nrPossible set. */
  geometry: PcpuGeometry & { nrPossible: number };
  prelude?: PreludeAlloc[];
  resync?: boolean;
  /** Events shown on each side of the first divergence. */
  context?: number;
  /** Kernel memory of the replay machine in bytes. */
  memBytes?: number;
  /** Reconstruct the allocator's order (default true); false replays as logged (--no-reorder). */
  reorder?: boolean;
  /** Seconds an allocation may have come before its line (reorder); default from the trace, see window.ts. */
  window?: number;
}

export class Replayer {
  readonly kernel: Kernel;
  readonly percpu: Percpu;
  private readonly cpu: (id: number) => RealCpu;
  private readonly pairing: ChunkPairing;
  private readonly tally = newTally();
  private tracing = false;
  private search: OrderSearch | null = null;
  private asLogged: AsLoggedReplay | null = null;

  constructor(private readonly opts: ReplayOptions) {
    const machine = bootReplayMachine(opts.geometry, opts.memBytes);
    this.kernel = machine.kernel;
    this.percpu = machine.percpu;
    this.cpu = machine.cpu;
    const p = machine.percpu.ctx;
    this.pairing = new ChunkPairing(p);
    p.tracer = {
      createChunk: (chunk) => {
        // Chunks made before tracing came on pair by their first allocation, like the first chunk.
        if (!this.tracing) return;
        this.tally.chunksCreatedModel++;
        this.pairing.modelCreated(chunk);
      },
      destroyChunk: (chunk) => {
        this.tally.chunksDestroyedModel++;
        this.pairing.modelDestroyed(chunk);
      },
    };
  }

  run(parsed: ParsedTrace): ReplayReport {
    const events = parsed.events;
    const reorder = this.opts.reorder ?? true;
    const window = reorder ? (this.opts.window ?? defaultWindow(events).seconds) : 0;
    const reach = this.opts.window === undefined ? window * BEYOND_WINDOW : window;
    const placer = new Placer(this.percpu.ctx, this.cpu, this.pairing, this.tally, events, { resync: this.opts.resync === true, undoable: reorder });
    for (const a of this.opts.prelude ?? []) {
      const ptr = this.percpu.pcpuAlloc(this.cpu(0), a.size, a.align, a.reserved);
      if (ptr === 0) throw new ReplayInputError(`prelude line ${a.line}: the model cannot allocate size=${a.size} align=${a.align}; is the geometry right?`);
      this.pairing.addUntraced(ptr);
    }
    runPendingWork(this.cpu(0));
    this.tracing = true;
    if (reorder) {
      this.search = new OrderSearch(this.host(placer, events), events, window, reach);
      this.search.run();
    } else {
      this.asLogged = new AsLoggedReplay(placer, events, this.cpu);
      this.asLogged.run();
    }
    const s = this.search;
    return buildReport(this, parsed, this.tally, {
      ...this.opts,
      order: s === null ? undefined : { window, reach, lookahead: LOOKAHEAD_ALLOCS, moves: s.allMoves(), applied: s.order(), search: s.stats },
    });
  }

  /** Event indices in the order they were applied. */
  appliedOrder(): number[] {
    return this.search?.order() ?? this.asLogged?.applied ?? [];
  }

  /** Every divergence of the run, in replay order. */
  divergenceList(): Divergence[] {
    return this.tally.divergences;
  }

  private host(placer: Placer, events: PcpuEvent[]): OrderHost {
    const kernel = this.kernel;
    const pending = workqueuePendingIndex(kernel);
    return {
      agrees: (i) => placer.agrees(events[i] as AllocEvent),
      safe: (i) => placer.safe(i),
      apply: (i, reordered) => placer.apply(i, reordered),
      takeBack: (step) => placer.takeBack(step as Applied),
      settle: (i) => {
        if (Atomics.load(kernel.mem.i32, pending) === 0) return null;
        const cpu = this.cpu(events[i]!.cpu);
        const structural = this.pairing.structural;
        const undo = undoForBalanceWork(this.percpu.ctx, cpu);
        runPendingWork(cpu);
        return this.pairing.structural === structural ? undo : 'final';
      },
      workPending: () => Atomics.load(kernel.mem.i32, pending) !== 0,
    };
  }
}

/**
 * Replay a parsed trace with the given geometry (and prelude). With reorder
 * on (the default) the trace is also replayed as logged, and the report is
 * that of the order that explains more placements (exact offsets; with
 * --resync, decisions): the reconstructed one unless the logged one
 * explains more, which the report then says (order.kept). So reconstruction
 * never reports a worse figure than the lines as logged.
 */
export function replayTrace(parsed: ParsedTrace, opts: ReplayOptions): ReplayReport {
  const replayer = new Replayer(opts);
  const report = replayer.run(parsed);
  if (report.order === undefined) return report;
  const logged = new Replayer({ ...opts, reorder: false });
  const asLogged = logged.run(parsed);
  const before = {
    matched: asLogged.matched,
    matchRate: asLogged.matchRate,
    divergences: asLogged.divergences,
    firstDivergenceLine: asLogged.firstDivergence?.line ?? null,
    ...(asLogged.decisionMatchRate === undefined ? {} : { decisionMatchRate: asLogged.decisionMatchRate }),
  };
  const reconstructed = {
    matched: report.matched,
    matchRate: report.matchRate,
    divergences: report.divergences,
    ...(report.decisionMatchRate === undefined ? {} : { decisionMatchRate: report.decisionMatchRate }),
  };
  const asLoggedFigures = { matchedAsLogged: asLogged.matched, matchRateAsLogged: asLogged.matchRate };
  const explained = (r: ReplayReport) => (opts.resync ? r.resync!.decisionsMatched : r.matched);
  if (explained(report) >= explained(asLogged)) {
    return { ...report, ...asLoggedFigures, order: { ...report.order, before, reconstructed, kept: 'reconstructed' } };
  }
  return {
    ...asLogged,
    ...asLoggedFigures,
    order: {
      ...report.order,
      before,
      reconstructed,
      kept: 'logged',
      moved: 0,
      largestShift: 0,
      moves: [],
      perTaskOrderKept: perTaskOrderKept(parsed, logged.appliedOrder()),
      unexplained: logged.divergenceList().slice(0, MAX_LISTED),
    },
  };
}
