// From a percpu trace (read with the percpu package's replay parser) to the
// items replay-sizes cycles through: each percpu_alloc_percpu's size,
// alignment and flags, and its lifetime — how many allocations the kernel
// made after it before freeing it (matched by chunk base and offset), or
// null when the trace never frees it. A trace with a malformed percpu event
// is refused with that line's number: silently replaying part of a capture
// would measure something else. Other tracepoints in the file are ignored.
import { readFileSync } from 'node:fs';
import { parseTrace, traceText } from '@percpu-lab/percpu';
import { ScenarioError } from '../scenario/errors.js';

export interface ReplayItem {
  size: number;
  align: number;
  reserved: boolean;
  atomic: boolean;
  /** Allocations between this one and its free; null = never freed in the trace. */
  lifetime: number | null;
}

/** A trace replay-sizes cannot use; reported like any bad input (one line, exit 2). */
export class TraceInputError extends ScenarioError {
  override name = 'TraceInputError';
  constructor(line: string) {
    super([line]);
  }
}

const cache = new Map<string, ReplayItem[]>();

function parseItems(path: string): ReplayItem[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new TraceInputError(`--trace: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
  let parsed: ReturnType<typeof parseTrace>;
  try {
    parsed = parseTrace(traceText(bytes));
  } catch (e) {
    throw new TraceInputError(`--trace: ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  const bad = parsed.bad.find((b) => b.kind === 'malformed');
  if (bad !== undefined) throw new TraceInputError(`--trace: ${path} line ${bad.line}: ${bad.reason}: ${bad.text.trim().slice(0, 120)}`);
  const items: ReplayItem[] = [];
  const live = new Map<string, number>();
  for (const e of parsed.events) {
    if (e.kind === 'alloc') {
      live.set(`${e.base}+${e.off}`, items.length);
      items.push({ size: e.size, align: e.align, reserved: e.reserved, atomic: e.isAtomic, lifetime: null });
    } else if (e.kind === 'free') {
      const key = `${e.base}+${e.off}`;
      const i = live.get(key);
      if (i === undefined) continue; // allocated before tracing started (the prelude): no lifetime to take
      live.delete(key);
      items[i]!.lifetime = items.length - 1 - i;
    }
  }
  if (items.length === 0) throw new TraceInputError(`--trace: ${path} holds no percpu_alloc_percpu events; record it with trace_event=percpu:*`);
  return items;
}

/** The items of a trace file (parsed once per process). */
export function readTraceItems(path: string): ReplayItem[] {
  let items = cache.get(path);
  if (items === undefined) cache.set(path, (items = parseItems(path)));
  return items;
}
