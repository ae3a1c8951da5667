// spawn-remote: UnixBench `spawn`-style churn where the last reference to a
// child's mm is dropped by its parent on another CPU — the cross-CPU free
// that per-CPU caches in front of an allocator must handle (the freed object
// lands in the dropping CPU's cache, not the allocating one's).
//
// The child runs its whole life on CPU c (alloc, work, rss updates, exit);
// then its mm goes through a hand-off ring to CPU (c + 1) mod N, whose
// program drops every mm waiting in its inbox at the start of each step.
// One ring per consumer CPU, in kernel memory: single producer (the CPU
// before it) and single consumer, head and tail on lines of their own.
// A full ring means the parent fell behind; the child's mm is then dropped
// locally and counted, so a CPU that finished its quota can never stall the
// one feeding it. With one CPU the ring loops back to the same CPU.
import { CACHE_LINE, struct, type Kernel } from '@percpu-lab/machine';
import { MM_CYCLE_LATENCIES, MmCycle, timedMmdrop } from './mm-cycle.js';
import type { Workload, WorkloadEnv } from './types.js';

const RING_SLOTS = 256;

const HandoffRing = struct('handoff_ring', {
  /** Next slot the consumer reads; written by the consumer only. */
  head: 'i32',
  padHead: { bytes: CACHE_LINE - 4 },
  /** Next slot the producer writes; written by the producer only. */
  tail: 'i32',
  padTail: { bytes: CACHE_LINE - 4 },
  slots: { bytes: 4 * RING_SLOTS, align: CACHE_LINE },
});

const SYMBOL = 'spawn_remote_rings';

function ringAddr(kernel: Kernel, cpu: number): number {
  return kernel.symbol(SYMBOL) + cpu * HandoffRing.size;
}

/** Push an mm to the ring at `ring`; false when full. Producer side. */
function ringPush(env: WorkloadEnv, ring: number, mm: number): boolean {
  const m = env.kernel.mem;
  const tail = HandoffRing.tail.get(m, ring);
  if (tail - HandoffRing.head.load(m, ring) >= RING_SLOTS) return false;
  m.i32[(HandoffRing.slots.addr(ring) >> 2) + (tail % RING_SLOTS)] = mm;
  HandoffRing.tail.store(m, ring, tail + 1);
  return true;
}

/** Drop every mm waiting in this CPU's inbox. Consumer side. */
function drainInbox(env: WorkloadEnv, ring: number): void {
  const m = env.kernel.mem;
  let head = HandoffRing.head.get(m, ring);
  const tail = HandoffRing.tail.load(m, ring);
  if (head === tail) return;
  const slots = HandoffRing.slots.addr(ring) >> 2;
  for (; head !== tail; head++) {
    timedMmdrop(env, m.i32[slots + (head % RING_SLOTS)]!);
    env.rec.tally.remoteDrops++;
  }
  HandoffRing.head.store(m, ring, head);
}

export const spawnRemote: Workload = {
  name: 'spawn-remote',
  description: 'process churn where the parent on the next CPU drops the child\'s mm (cross-CPU free)',
  latencyNames: MM_CYCLE_LATENCIES,
  boot: (kernel, spec) => {
    kernel.defineSymbol(SYMBOL, kernel.memblockAlloc(HandoffRing.size * spec.cpus, CACHE_LINE));
  },
  program: (env) => {
    const inbox = ringAddr(env.kernel, env.cpu.id);
    const parent = ringAddr(env.kernel, (env.cpu.id + 1) % env.spec.cpus);
    return new MmCycle(env, {
      beforeStep: () => drainInbox(env, inbox),
      handOff: (mm) => {
        if (ringPush(env, parent, mm)) return true;
        env.rec.tally.handoffRingFull++;
        return false;
      },
      finish: () => drainInbox(env, inbox),
    });
  },
};
