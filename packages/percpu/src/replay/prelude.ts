// Prelude files: the allocations a kernel made before tracing came on, one
// per line as `size=N align=N reserved=0|1`, '#' comments and blank lines
// allowed. Replayed in order before the trace.
import { ReplayInputError } from './errors.js';

export interface PreludeAlloc {
  line: number;
  size: number;
  align: number;
  reserved: boolean;
}

const PRELUDE_RE = /^size=(\d+)\s+align=(\d+)\s+reserved=([01])$/;

export function parsePrelude(text: string, name = 'prelude'): PreludeAlloc[] {
  const out: PreludeAlloc[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const m = PRELUDE_RE.exec(line);
    if (m === null) {
      throw new ReplayInputError(`${name} line ${i + 1}: expected "size=N align=N reserved=0|1", got "${raw.trim().slice(0, 80)}"`);
    }
    out.push({ line: i + 1, size: Number(m[1]), align: Number(m[2]), reserved: m[3] === '1' });
  });
  return out;
}
