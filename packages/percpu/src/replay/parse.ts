// Parser for ftrace text output (/sys/kernel/tracing/trace) holding
// percpu:* events, plain or gzip-compressed. Lines look like
//   <task>-<pid> [<cpu>] <flags> <timestamp>: <event>: key=value ...
// (the flags and TGID columns are optional; the flags tell an event logged
// in interrupt context, see sequenceOf). Fields are read by name, so their
// order may differ between kernel versions. Skipped without
// complaint: '#' headers, blank lines, '<stack trace>' lines and their
// ' => function' frames (from a stacktrace trigger), and tracing_mark_write
// markers (kept as phase names). Anything else is counted with its line
// number: a percpu event missing a field or with a bad number is
// 'malformed', another event 'unknown'.
import { gunzipSync } from 'node:zlib';
import type { BadLine, PcpuEvent } from './events.js';

export interface ParsedTrace {
  events: PcpuEvent[];
  /** The file's lines, for showing events in context. */
  source: string[];
  bad: BadLine[];
  /** Lines in the file. */
  lines: number;
  /** Lines skipped on purpose (headers, stack traces, markers, blank). */
  skipped: number;
  /** Trace markers (tracing_mark_write) with their line numbers. */
  markers: { line: number; text: string }[];
  /** CPUs the tracer saw ('#P:N' in the header), if present. */
  headerCpus: number | undefined;
}

export interface ParseOptions {
  /** Stop at the first bad line (the CLI's --strict). */
  strict?: boolean;
}

/** A bad line under --strict. */
export class TraceLineError extends Error {
  override name = 'TraceLineError';
  constructor(readonly bad: BadLine) {
    super(`line ${bad.line}: ${bad.reason}: ${bad.text.slice(0, 160)}`);
  }
}

// task-pid [cpu] (flags) timestamp: body; the body is "event: fields" or "<stack trace>"
const LINE_RE = /^\s*(.*?)-(\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[(\d+)\]\s+(?:(\S+)\s+)?(\d+\.\d+):\s+(.*)$/;
// The flags column's third character: h (hardirq), s (softirq), H (hardirq in softirq), z/Z (NMI); '.' in task context.
const IRQ_FLAG = /^..[hHszZ]/;
const BODY_RE = /^(\w+):\s?(.*)$/;
const FIELD_RE = /(\w+)=(\S*)/g;

const EVENT_KINDS: Record<string, PcpuEvent['kind']> = {
  percpu_alloc_percpu: 'alloc',
  percpu_free_percpu: 'free',
  percpu_alloc_percpu_fail: 'fail',
  percpu_create_chunk: 'create',
  percpu_destroy_chunk: 'destroy',
};

const NEEDS: Record<PcpuEvent['kind'], string[]> = {
  alloc: ['reserved', 'is_atomic', 'size', 'align', 'base_addr', 'off'],
  free: ['base_addr', 'off'],
  fail: ['reserved', 'is_atomic', 'size', 'align'],
  create: ['base_addr'],
  destroy: ['base_addr'],
};

const NUMERIC = new Set(['reserved', 'is_atomic', 'size', 'align', 'off', 'bytes_alloc']);

/** Decompress if the bytes are gzip, then decode as UTF-8. */
export function traceText(bytes: Uint8Array): string {
  const gz = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return new TextDecoder().decode(gz ? gunzipSync(bytes) : bytes);
}

function normaliseAddr(hex: string): string {
  return hex.toLowerCase().replace(/^0x/, '').replace(/^0+(?=.)/, '');
}

export function parseTrace(text: string, opts: ParseOptions = {}): ParsedTrace {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const out: ParsedTrace = { events: [], source: lines, bad: [], lines: 0, skipped: 0, markers: [], headerCpus: undefined };
  out.lines = lines.length;
  const badLine = (line: number, kind: BadLine['kind'], reason: string, raw: string) => {
    const bad: BadLine = { line, kind, reason, text: raw.trim() };
    if (opts.strict) throw new TraceLineError(bad);
    out.bad.push(bad);
  };
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('=>')) {
      const p = /#P:(\d+)/.exec(trimmed);
      if (p !== null) out.headerCpus = Number(p[1]);
      out.skipped++;
      continue;
    }
    const mt = LINE_RE.exec(raw);
    if (mt === null) {
      badLine(lineNo, 'malformed', 'not an ftrace event line', raw);
      continue;
    }
    const [, task, pidS, cpuS, flags, tsS, body] = mt as unknown as (string | undefined)[];
    if (body!.startsWith('<stack trace>') || body!.startsWith('<user stack trace>')) {
      out.skipped++;
      continue;
    }
    const mb = BODY_RE.exec(body!);
    if (mb === null) {
      badLine(lineNo, 'malformed', 'no event name after the timestamp', raw);
      continue;
    }
    const [, name, rest] = mb as unknown as string[];
    if (name === 'tracing_mark_write') {
      out.markers.push({ line: lineNo, text: rest!.trim() });
      out.skipped++;
      continue;
    }
    const kind = EVENT_KINDS[name!];
    if (kind === undefined) {
      badLine(lineNo, 'unknown', `unknown event ${name}`, raw);
      continue;
    }
    const f = new Map<string, string>();
    for (const fm of rest!.matchAll(FIELD_RE)) f.set(fm[1]!, fm[2]!);
    const missing = NEEDS[kind].find((k) => !f.has(k));
    if (missing !== undefined) {
      badLine(lineNo, 'malformed', `${name} without ${missing}=`, raw);
      continue;
    }
    const nonNumeric = [...f].find(([k, v]) => NUMERIC.has(k) && !/^\d+$/.test(v));
    if (nonNumeric !== undefined) {
      badLine(lineNo, 'malformed', `${name} field ${nonNumeric[0]}=${nonNumeric[1]} is not a number`, raw);
      continue;
    }
    const badAddr = ['base_addr', 'ptr'].find((k) => f.has(k) && !/^(0x)?[0-9a-fA-F]+$/.test(f.get(k)!));
    if (badAddr !== undefined) {
      badLine(lineNo, 'malformed', `${name} field ${badAddr}=${f.get(badAddr)} is not a hex address`, raw);
      continue;
    }
    const num = (k: string) => Number(f.get(k));
    const common = { line: lineNo, cpu: Number(cpuS), ts: Number(tsS), task: task!.trim(), pid: Number(pidS), irq: IRQ_FLAG.test(flags ?? '') };
    switch (kind) {
      case 'alloc':
        out.events.push({
          ...common,
          kind,
          callSite: f.get('call_site') ?? '',
          reserved: num('reserved') !== 0,
          isAtomic: num('is_atomic') !== 0,
          size: num('size'),
          align: num('align'),
          base: normaliseAddr(f.get('base_addr')!),
          off: num('off'),
          ptr: normaliseAddr(f.get('ptr') ?? '0'),
          bytesAlloc: f.has('bytes_alloc') ? num('bytes_alloc') : 0,
          gfp: f.get('gfp_flags') ?? '',
        });
        break;
      case 'free':
        out.events.push({ ...common, kind, base: normaliseAddr(f.get('base_addr')!), off: num('off'), ptr: normaliseAddr(f.get('ptr') ?? '0') });
        break;
      case 'fail':
        out.events.push({ ...common, kind, reserved: num('reserved') !== 0, isAtomic: num('is_atomic') !== 0, size: num('size'), align: num('align') });
        break;
      default:
        out.events.push({ ...common, kind, base: normaliseAddr(f.get('base_addr')!) });
    }
  }
  return out;
}
