// threads: process churn where some processes start a second thread
// (will-it-scale's threaded variants, or a fork that spawns workers). A
// second user of the mm is exactly when the lazy-rss remedy must switch its
// rss counters from plain atomics to percpu counters, so this workload is
// what exercises that switch; the other strategies just note the thread.
import { MM_CYCLE_LATENCIES, MmCycle } from './mm-cycle.js';
import type { Workload } from './types.js';

export const threads: Workload = {
  name: 'threads',
  description: 'process churn where each process gains a second thread with probability --thread-prob',
  latencyNames: MM_CYCLE_LATENCIES,
  program: (env) => {
    const p = env.spec.knobs.threadProb;
    return new MmCycle(env, {
      afterAlloc: (mm) => {
        if (env.cpu.random() >= p) return;
        env.mm.mmAddThread(env.cpu, mm);
        env.rec.tally.threadsAdded++;
      },
    });
  },
};
