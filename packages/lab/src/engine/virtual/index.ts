// The virtual-time engine: the same model code as the threads engine, N CPUs
// (up to 1024) interleaved in one thread by virtual time, locks resolved on
// virtual timelines, every cost taken from a cost profile. Same seed, same
// profile, same result, bit for bit.
//
// Approximations, all consequences of running whole steps: a CPU that runs a
// step may take locks at virtual times later than other CPUs' clocks; a
// later request for an earlier time fits into the gaps of the lock's
// timeline, sized by the lock's mean busy length, because a hold's length is
// known only at its unlock. A hold longer than its gap overlaps the next
// one in virtual time (the two are merged on the timeline), and a request
// can find a run-ahead CPU already holding the time it asked for, so FIFO
// order by request time holds only among requests the scheduler resolves in
// time order. Shorter steps shrink both effects.
export { createVirtualCpus, runVirtual, type MachineShape, type VirtualRunOptions, type VirtualRunResult, type VirtualCpuResult } from './run.js';
export { VirtualCpu } from './virtual-cpu.js';
export { VirtualContext, checkTopology, type Topology } from './context.js';
export { TimeSplit, lifetimeSplit } from './time-split.js';
export { virtualLockOps } from './virtual-lock.js';
export { VirtualEngineError, VirtualConfigError, VirtualRunError } from './errors.js';
export { virtualEngine, DEFAULT_PROFILE } from './engine.js';
