export * from './types.js';
export * from './errors.js';
export * from './barrier.js';
export * from './diagnose.js';
export * from './host.js';
export * from './outcome.js';
export * from './cpu-pool.js';
export * from './run-on-cpus.js';
