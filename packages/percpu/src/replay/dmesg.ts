// Reading the percpu geometry out of a kernel boot log: the first chunk's
// boot line (pcpu_embed_first_chunk / pcpu_page_first_chunk) and the number
// of possible CPUs (setup_percpu's nr_cpu_ids, or the pcpu-alloc unit map).
import { parsePcpuBootLine, type PcpuGeometry } from '../geometry.js';
import { ReplayInputError } from './errors.js';

export function geometryFromDmesg(text: string, name = 'dmesg'): PcpuGeometry {
  const lines = text.split('\n');
  const boot = lines.find((l) => /percpu:\s+(Embedded\s+\d+|\d+\s+4K)\s+pages\/cpu/.test(l));
  if (boot === undefined) {
    throw new ReplayInputError(`${name} has no percpu boot line ("percpu: Embedded N pages/cpu s… r… d… u…"); pass --geometry or the sizes instead`);
  }
  const g = parsePcpuBootLine(boot);
  const ids = lines.map((l) => /nr_cpu_ids:(\d+)/.exec(l)).find((m) => m !== null);
  if (ids) return { ...g, nrPossible: Number(ids[1]) };
  // 'pcpu-alloc: [0] 0 1 ' lines list the CPUs of each group.
  const cpus = lines.flatMap((l) => {
    const m = /pcpu-alloc:\s+((?:\[\d+\]\s+[\d\s-]+)+)$/.exec(l.trimEnd());
    return m === null ? [] : [...m[1]!.replace(/\[\d+\]/g, ' ').matchAll(/\d+/g)].map((x) => Number(x[0]));
  });
  return cpus.length > 0 ? { ...g, nrPossible: Math.max(...cpus) + 1 } : g;
}
