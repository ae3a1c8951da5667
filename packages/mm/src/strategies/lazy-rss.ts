import { defineMmStrategy, directFront, LazyRss, registerStrategy } from '../api.js';

registerStrategy(
  defineMmStrategy({
    name: 'lazy-rss',
    description: 'rss counters are atomics while single-threaded, percpu counters from the second thread on',
    proposal: 'lazy percpu rss counters: switch to percpu when a second thread appears',
    lifetime: 'mm',
    front: directFront,
    state: (p) => new LazyRss(p),
  }),
);
