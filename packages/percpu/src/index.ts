// @percpu-lab/percpu: the Linux percpu allocator (mm/percpu.c, 6.12) in
// kernel memory, and replay of real kernel traces against it.
export {
  GFP_ATOMIC,
  GFP_KERNEL,
  GFP_KERNEL_ACCOUNT,
  GFP_NOWAIT,
  __GFP_ACCOUNT,
  __GFP_NOWARN,
  PCPU_MIN_ALLOC_SIZE,
  PCPU_MIN_UNIT_SIZE,
  PCPU_EMPTY_POP_PAGES_HIGH,
  PCPU_EMPTY_POP_PAGES_LOW,
} from './constants.js';
export * from './errors.js';
export { DEFAULT_GEOMETRY, formatPcpuBootLine, parsePcpuBootLine, validateGeometry, type PcpuGeometry } from './geometry.js';
export { pcpuBoot, pcpuMemblockBytes } from './boot.js';
export { Percpu } from './percpu.js';
export { PCPU_ALLOC_MUTEX, PCPU_LOCK, PCPU_LOCK_CLASSES } from './constants.js';
export type { PcpuChunkStats, PcpuStats } from './stats.js';
export { replayCommand } from './replay/cli.js';
export { replayTrace, type ReplayOptions } from './replay/replayer.js';
export { parseTrace, traceText, type ParsedTrace } from './replay/parse.js';
export { parsePrelude, type PreludeAlloc } from './replay/prelude.js';
export { geometryFromDmesg } from './replay/dmesg.js';
export { formatReport, type ReplayReport } from './replay/report.js';
export { generateTrace, type GenerateOptions, type GeneratedTrace } from './replay/generate.js';
export type { PcpuEvent, AllocEvent, FreeEvent } from './replay/events.js';
export { ReplayInputError } from './replay/errors.js';
