import { defineMmStrategy } from '../define.js';
import { directFront } from '../fronts.js';
import { SeparateAreas } from '../mm-percpu-state.js';
import { registerStrategy } from '../strategy.js';

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
