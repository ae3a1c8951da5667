import { defineMmStrategy, directFront, GroupedArea, registerStrategy } from '../api.js';

registerStrategy(
  defineMmStrategy({
    name: 'grouped',
    description: 'mm_cid and the rss counters in one percpu allocation per mm lifetime',
    proposal: 'grouped mm percpu: one pcpu_alloc round trip instead of two',
    lifetime: 'mm',
    front: directFront,
    state: (p) => new GroupedArea(p),
  }),
);
