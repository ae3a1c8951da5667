// `--shard i/n`: run one slice of a sweep so a large matrix spreads over CI
// matrix machines. Points are dealt round-robin over the canonical order, so
// every shard gets a mix of small and large CPU counts and similar run time.
import { ShardError } from './errors.js';
import type { SweepPoint } from './spec.js';

export interface Shard {
  /** 1-based, as CI matrices number their jobs. */
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new ShardError(`--shard expects i/n with 1 ≤ i ≤ n (e.g. --shard 2/4), got "${text}"`);
  }
  return { index, count };
}

export function shardPoints(points: readonly SweepPoint[], shard: Shard | undefined): SweepPoint[] {
  if (!shard) return [...points];
  return points.filter((p) => p.index % shard.count === shard.index - 1);
}
