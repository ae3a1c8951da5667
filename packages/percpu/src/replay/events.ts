// Events of a percpu ftrace capture (include/trace/events/percpu.h), as the
// parser hands them to the replayer. Chunk base addresses stay strings: they
// are 64-bit kernel addresses.

interface EventBase {
  /** 1-based line number in the trace file. */
  line: number;
  /** CPU that logged the event. */
  cpu: number;
  /** Timestamp in seconds. */
  ts: number;
  task: string;
  pid: number;
}

export interface AllocEvent extends EventBase {
  kind: 'alloc';
  callSite: string;
  reserved: boolean;
  isAtomic: boolean;
  size: number;
  align: number;
  base: string;
  off: number;
  ptr: string;
  bytesAlloc: number;
  gfp: string;
}

export interface FreeEvent extends EventBase {
  kind: 'free';
  base: string;
  off: number;
  ptr: string;
}

export interface FailEvent extends EventBase {
  kind: 'fail';
  reserved: boolean;
  isAtomic: boolean;
  size: number;
  align: number;
}

export interface ChunkEvent extends EventBase {
  kind: 'create' | 'destroy';
  base: string;
}

export type PcpuEvent = AllocEvent | FreeEvent | FailEvent | ChunkEvent;

/** A line the parser could not use: a percpu event it cannot read, or an unknown event. */
export interface BadLine {
  line: number;
  kind: 'malformed' | 'unknown';
  reason: string;
  text: string;
}
