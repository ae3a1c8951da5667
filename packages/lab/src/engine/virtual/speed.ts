// How fast the virtual engine simulates: operations (mm lifetimes, or
// replayed allocations) per second of host wall-clock time, warm-up included
// (a point simulates its warm-up as much as its window), over the run of the
// CPUs alone (not boot or collection). Every virtual point prints it (`run`,
// `sweep`) and records it with the host facts of its result
// (host.virtualSpeed), so a slowdown shows up as a number; `pnpm bench
// virtual` tracks it at 1, 64 and 192 CPUs. Wall-clock time on a host others
// may share: a figure to compare on one host, not a constant.
import { si } from '../../report/units.js';
import { MM_CYCLE_WORKLOADS, type WorkloadName } from '../../scenario/schema.js';

export interface VirtualSpeed {
  /** The point, as logs name it ("doexec/baseline/192cpu"). */
  point: string;
  /** Operations simulated: warm-up and window, every CPU. */
  ops: number;
  /** Host wall-clock seconds the simulation took. */
  seconds: number;
  opsPerSecond: number;
}

export function virtualSpeed(point: string, ops: number, seconds: number): VirtualSpeed {
  return { point, ops, seconds, opsPerSecond: seconds > 0 ? ops / seconds : 0 };
}

/** "1.23M simulated lifetimes per host second" (ops for workloads that are not mm lifetimes). */
export function speedText(workload: string, s: VirtualSpeed): string {
  const what = (MM_CYCLE_WORKLOADS as readonly string[]).includes(workload as WorkloadName) ? 'lifetimes' : 'ops';
  return `${si(s.opsPerSecond)} simulated ${what} per host second`;
}
