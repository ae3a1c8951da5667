// What an engine runs on each emulated CPU. A workload builds one program per
// CPU; the threads engine calls step() in a loop on that CPU's worker, the
// virtual engine calls the step of whichever CPU is earliest in virtual time.
// A step should be short (one phase of a workload cycle, holding at most a
// few locks) because the virtual engine interleaves CPUs only between steps.

export interface CpuProgram {
  /** Run one step; returns how many workload operations (e.g. mm lifetimes) it completed. */
  step(): number;
  /** End of run: give back what this CPU still holds so the allocators can be verified. */
  finish(): void;
}
