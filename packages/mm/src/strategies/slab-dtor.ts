import { defineMmStrategy, directFront, registerStrategy, SeparateAreas } from '../api.js';

registerStrategy(
  defineMmStrategy({
    name: 'slab-dtor',
    description: 'mm_cid and rss counters allocated by the mm cache ctor, freed by its dtor; mm_init only resets cids',
    proposal: 'revived slab destructor RFC: percpu memory lives with the cached mm_struct object',
    lifetime: 'object',
    front: directFront,
    state: (p) => new SeparateAreas(p),
  }),
);
