export * from './errors.js';
export * from './layout.js';
export * from './order.js';
export * from './slab-fn.js';
export * from './create.js';
export * from './stats.js';
export * from './kmem-cache.js';
export * from './validate.js';
