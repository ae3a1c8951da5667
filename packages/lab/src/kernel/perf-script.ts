// Reading `perf script --ns` text (the tool's default output, which mixes
// event kinds): one sample per header line, then its call chain, one frame
// per indented line, innermost first. A header reads
//   comm  tid [cpu] seconds.nanoseconds:  [period]  event: [trace fields]
// where the CPU appears only when the event samples it (tracepoints do,
// cpu-clock here does not) and the period only for counting events; comm
// may hold spaces. A frame reads `ip symbol+0xoff (dso)`. Pure: text in,
// samples out, so the parsers are tested on recorded captures.

export interface Frame {
  /** Instruction pointer, hex without 0x. */
  ip: string;
  /** Function name with the offset and compiler suffixes (.cold, .isra.0) taken off; '[unknown]' when perf had none. */
  symbol: string;
  dso: string;
}

export interface PerfSample {
  comm: string;
  tid: number;
  cpu: number | null;
  timeNs: number;
  event: string;
  /** What follows the event name: a tracepoint's fields, empty for cpu-clock. */
  trace: string;
  frames: Frame[];
}

const HEADER = /^(\S.*?)\s+(\d+)(?:\/\d+)?\s+(?:\[(\d+)\]\s+)?(\d+)\.(\d+):\s+(?:\d+\s+)?([\w:.-]+):\s*(.*)$/;
const FRAME = /^\s+([0-9a-f]+)\s+(.+?)\s+\((.*)\)\s*$/;

/** "pcpu_alloc_noprof+0x3ed" → "pcpu_alloc_noprof"; "__mmdrop.cold" → "__mmdrop". */
export function baseSymbol(sym: string): string {
  return sym.replace(/\+0x[0-9a-f]+$/, '').replace(/\.(cold|isra|constprop|part|llvm)(\.\d+)*.*$/, '');
}

function timeNs(sec: string, frac: string): number {
  return Number(sec) * 1e9 + Number(frac.padEnd(9, '0').slice(0, 9));
}

export function parsePerfScript(text: string): PerfSample[] {
  const out: PerfSample[] = [];
  let cur: PerfSample | null = null;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      cur = null;
      continue;
    }
    if (cur !== null && /^\s/.test(line)) {
      const f = FRAME.exec(line);
      if (f) cur.frames.push({ ip: f[1]!, symbol: baseSymbol(f[2]!), dso: f[3]! });
      continue;
    }
    const h = HEADER.exec(line);
    if (h === null) {
      cur = null;
      continue;
    }
    cur = {
      comm: h[1]!.trim(),
      tid: Number(h[2]),
      cpu: h[3] === undefined ? null : Number(h[3]),
      timeNs: timeNs(h[4]!, h[5]!),
      event: h[6]!,
      trace: h[7]!.trim(),
      frames: [],
    };
    out.push(cur);
  }
  return out;
}
