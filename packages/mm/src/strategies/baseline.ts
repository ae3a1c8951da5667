import { defineMmStrategy, directFront, registerStrategy, SeparateAreas } from '../api.js';

registerStrategy(
  defineMmStrategy({
    name: 'baseline',
    description: 'two percpu allocations per mm lifetime (mm_cid, rss counters), freed at __mmdrop',
    proposal: 'Linux 6.12–6.18 kernel/fork.c as it is',
    lifetime: 'mm',
    front: directFront,
    state: (p) => new SeparateAreas(p),
  }),
);
