// Progress of a sweep: a bar with ETA when stdout is a terminal (cli-progress),
// otherwise one concise line per finished point, which is what CI logs want.
//
// Points are not equal in cost: with an op count per CPU, a 256-CPU point
// does 256 times the work of a 1-CPU point. The bar advances by each point's
// weight so its ETA does not race ahead through the small points; the sweep
// starts the heaviest points first by the same weight (run.ts).
import cliProgress from 'cli-progress';
import { DEFAULT_OPS, DEFAULT_WARMUP } from '../scenario/schema.js';
import type { SweepPoint, SweepSpec } from './spec.js';

export interface SweepProgress {
  start(total: number, done: number): void;
  /** A point finished; `line` is its one-line summary. */
  pointDone(point: SweepPoint, line: string): void;
  stop(): void;
}

/**
 * Relative host cost of a point: the operations it runs — its CPUs × (ops +
 * warm-up) per CPU, or its CPUs × seconds when bounded by duration alone —
 * times the machine's possible CPUs, which every mm lifetime's loops over
 * CPUs walk. Only ratios between points of one sweep mean anything.
 */
export function pointWeight(spec: SweepSpec, point: SweepPoint): number {
  const r = spec.run;
  const machine = r.machineCpus ?? Math.max(...spec.cpus);
  const perCpu = r.duration !== undefined && r.ops === undefined ? r.duration : (r.ops ?? DEFAULT_OPS) + (r.warmup ?? DEFAULT_WARMUP);
  return point.cpus * perCpu * machine;
}

/** One line per point, for logs and pipes. */
export class LineProgress implements SweepProgress {
  private total = 0;
  private done = 0;

  constructor(private readonly write: (line: string) => void) {}

  start(total: number, done: number): void {
    this.total = total;
    this.done = done;
    if (done > 0) this.write(`resuming: ${done} of ${total} points already in the output directory`);
  }

  pointDone(_point: SweepPoint, line: string): void {
    this.done++;
    this.write(`[${this.done}/${this.total}] ${line}`);
  }

  stop(): void {}
}

/** A progress bar with ETA, for a terminal. */
export class BarProgress implements SweepProgress {
  private readonly bar: cliProgress.SingleBar;
  private points = 0;
  private totalPoints = 0;
  private value = 0;

  constructor(
    private readonly weight: (p: SweepPoint) => number,
    private readonly totalWeight: number,
    private readonly doneWeight: number,
    stream: NodeJS.WritableStream,
  ) {
    this.bar = new cliProgress.SingleBar(
      {
        format: '{bar} {percentage}% | {points}/{totalPoints} points | ETA {eta_formatted} | {last}',
        stream,
        etaBuffer: 20,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  start(total: number, done: number): void {
    this.totalPoints = total;
    this.points = done;
    this.value = this.doneWeight;
    this.bar.start(this.totalWeight, this.value, { points: done, totalPoints: total, last: done ? 'resumed' : '' });
  }

  pointDone(point: SweepPoint, line: string): void {
    this.points++;
    this.value += this.weight(point);
    this.bar.update(this.value, { points: this.points, totalPoints: this.totalPoints, last: line });
  }

  stop(): void {
    this.bar.stop();
  }
}
