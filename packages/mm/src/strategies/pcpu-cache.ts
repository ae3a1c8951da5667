import { defineMmStrategy, objCacheFront, registerStrategy, SeparateAreas } from '../api.js';

registerStrategy(
  defineMmStrategy({
    name: 'pcpu-cache',
    description: 'per-CPU cache of percpu areas by power-of-two size class; pcpu_alloc_mutex once per batch',
    proposal: 'percpu object cache: a simplified sl*b serving power-of-two sizes in front of pcpu_alloc',
    lifetime: 'mm',
    front: objCacheFront,
    state: (p) => new SeparateAreas(p),
  }),
);
