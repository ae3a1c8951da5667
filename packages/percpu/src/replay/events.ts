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
  /** Logged in interrupt context (hardirq, softirq or NMI in ftrace's flags): not part of the task's own sequence. */
  irq: boolean;
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

/**
 * The sequence an event belongs to, whose events happened in the order of
 * their lines: its task's (by pid; the idle tasks, all pid 0, one per CPU),
 * or, for an event logged in interrupt context, that CPU's interrupts. An
 * interrupt (an RCU callback freeing percpu memory in softirq, say) can run
 * between a task's pcpu_alloc dropping its locks and its trace point, and a
 * task can be preempted there and migrate, so a CPU's lines are not one
 * sequence, but a task's are.
 */
export function sequenceOf(e: EventBase): string {
  if (e.irq) return `irq/${e.cpu}`;
  return e.pid === 0 ? `idle/${e.cpu}` : `task/${e.pid}`;
}

/** A line the parser could not use: a percpu event it cannot read, or an unknown event. */
export interface BadLine {
  line: number;
  kind: 'malformed' | 'unknown';
  reason: string;
  text: string;
}
