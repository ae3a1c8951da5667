// Every strategy registers itself on import; a new one is a module here and
// one line below.
import './baseline.js';
import './slab-dtor.js';
import './pcpu-cache.js';
import './lazy-rss.js';
import './grouped.js';
