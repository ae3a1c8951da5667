// The cost model of the virtual engine, in one place: the profile (schema,
// loader, built-in profiles), which price each kind of modelled work costs
// and where it is booked, what a lock costs besides its wait, and the parts
// of the time split. The engine and calibrate both read prices only from
// here; no price lives in code.
export {
  loadProfile, parseProfile, readProfileFile, builtinProfilePath, BUILTIN_PROFILES, PROFILE_FORMAT, SHAPE_FIGURES, isShapeFigure,
  type CostProfile, type ProfileFile, type CostName, type PriceName,
} from './profile.js';
export { ProfileError } from './errors.js';
export { KIND_PRICES, kindTable, type KindTable } from './kinds.js';
export { lockPrices, waitCost, type LockPrices } from './locks.js';
export {
  LINE_DRAM_LOCAL, LINE_DRAM_REMOTE, LINE_HIT, LINE_LLC_LOCAL, LINE_LLC_REMOTE, LINE_OTHER_SOCKET, LINE_SAME_SOCKET, LINE_SMT, LINE_STATE_NAMES, LINE_STATES, LinePrices,
} from './lines.js';
export { SPLIT_PARTS, PART_WORK, PART_EXEC, PART_PERCPU, PART_LOOPS, PART_TRANSFERS, PART_OTHER, partIndex, type SplitPart } from './parts.js';
