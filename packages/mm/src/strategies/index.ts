// Every built-in strategy registers itself on import; a new one is a module
// here and one line below. Each uses only the public API (../api.ts), the
// same a strategy file loaded by path gets from @percpu-lab/mm.
import './baseline.js';
import './slab-dtor.js';
import './pcpu-cache.js';
import './lazy-rss.js';
import './grouped.js';
