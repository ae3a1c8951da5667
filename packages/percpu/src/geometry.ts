// First-chunk geometry (mm/percpu.c pcpu_setup_first_chunk, the boot line
// pcpu_embed_first_chunk / pcpu_page_first_chunk print). The kernel computes
// it from the static percpu section and the configured reserves; the model
// takes it as input, from the kernel's own boot line or explicit numbers.
import { PAGE_SIZE } from '@percpu-lab/machine';
import { PCPU_MIN_ALLOC_SIZE, PCPU_MIN_UNIT_SIZE, PERCPU_MODULE_RESERVE } from './constants.js';
import { PcpuGeometryError } from './errors.js';

export interface PcpuGeometry {
  /** Possible CPUs (nr_cpu_ids): one unit each. Default: the machine's CPUs. */
  nrPossible?: number;
  /** Bytes per unit; every chunk after the first is one whole unit per CPU. */
  unitSize: number;
  /** Kernel-image static percpu data at the start of the first chunk (not allocatable). */
  staticSize: number;
  /** Module reserve, served only to reserved=true requests. */
  reservedSize: number;
  /** Dynamic part of the first chunk. */
  dynSize: number;
}

/** The 6.12 x86-64 Debian cloud kernel of the shipped capture, 2 CPUs. */
export const DEFAULT_GEOMETRY: PcpuGeometry = Object.freeze({
  unitSize: 1048576,
  staticSize: 233472,
  reservedSize: PERCPU_MODULE_RESERVE,
  dynSize: 28672,
});

// 'percpu: Embedded 66 pages/cpu s233472 r8192 d28672 u1048576'
const EMBED_RE = /percpu:\s+Embedded\s+(\d+)\s+pages\/cpu\s+s(\d+)\s+r(\d+)\s+d(\d+)\s+u(\d+)/;
// 'percpu: 66 4K pages/cpu s233472 r8192 d28672' (page first chunk: unit = pages)
const PAGE_RE = /percpu:\s+(\d+)\s+4K\s+pages\/cpu\s+s(\d+)\s+r(\d+)\s+d(\d+)/;

/** Parse the kernel's percpu boot line; throws PcpuGeometryError if it is not one. */
export function parsePcpuBootLine(line: string): PcpuGeometry {
  const e = EMBED_RE.exec(line);
  if (e !== null) {
    const g = { staticSize: Number(e[2]), reservedSize: Number(e[3]), dynSize: Number(e[4]), unitSize: Number(e[5]) };
    validateGeometry(g);
    return g;
  }
  const p = PAGE_RE.exec(line);
  if (p !== null) {
    const pages = Number(p[1]);
    const g = {
      staticSize: Number(p[2]),
      reservedSize: Number(p[3]),
      dynSize: Number(p[4]),
      unitSize: Math.max(pages * PAGE_SIZE, PCPU_MIN_UNIT_SIZE),
    };
    validateGeometry(g);
    return g;
  }
  throw new PcpuGeometryError(
    `not a percpu boot line: "${line.trim().slice(0, 120)}"; expected e.g. "percpu: Embedded 66 pages/cpu s233472 r8192 d28672 u1048576"`,
  );
}

/** The checks pcpu_setup_first_chunk makes with PCPU_SETUP_BUG_ON, as errors. */
export function validateGeometry(g: PcpuGeometry): void {
  const bad = (what: string) => {
    throw new PcpuGeometryError(
      `percpu geometry s${g.staticSize} r${g.reservedSize} d${g.dynSize} u${g.unitSize}: ${what}`,
    );
  };
  for (const [k, v] of Object.entries(g)) {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0)) bad(`${k} must be a non-negative integer`);
  }
  if (g.nrPossible !== undefined && g.nrPossible < 1) bad('nrPossible must be at least 1');
  if (g.unitSize % PAGE_SIZE !== 0) bad(`unit size must be a multiple of ${PAGE_SIZE}`);
  if (g.unitSize < PCPU_MIN_UNIT_SIZE) bad(`unit size must be at least ${PCPU_MIN_UNIT_SIZE}`);
  if (g.staticSize + g.reservedSize + g.dynSize > g.unitSize) bad('static + reserved + dynamic exceed the unit size');
  if (g.reservedSize % PCPU_MIN_ALLOC_SIZE !== 0) bad(`reserved size must be a multiple of ${PCPU_MIN_ALLOC_SIZE}`);
  if (g.dynSize < PCPU_MIN_ALLOC_SIZE) bad('the dynamic area is empty');
}

/** The boot line the kernel would print for this geometry. */
export function formatPcpuBootLine(g: PcpuGeometry): string {
  const pages = Math.floor((g.staticSize + g.reservedSize + g.dynSize) / PAGE_SIZE);
  return `percpu: Embedded ${pages} pages/cpu s${g.staticSize} r${g.reservedSize} d${g.dynSize} u${g.unitSize}`;
}
