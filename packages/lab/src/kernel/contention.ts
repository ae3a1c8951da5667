// Lock contention from the lock:contention_begin / lock:contention_end
// tracepoints (kernel/locking, include/trace/events/lock.h), recorded with
// call chains, aggregated the way `perf lock contention` does it: a wait
// runs from a task's contention_begin to its next contention_end (a task
// waits for one lock at a time), and each wait is booked to its caller —
// the first function in the chain that is not part of the locking code —
// or, when the lock's address is a known symbol (a static lock, with
// CONFIG_KALLSYMS_ALL), to that symbol, as `perf lock contention -l` does.
// The type comes from the begin event's flags, named as perf names them.
//
// Each row is also matched, where it can be, to the lock class of the lab
// that the kernel takes at that caller (LAB_CLASSES): by the static lock's
// name, or by caller and type. A caller that takes several locks of one
// type (pcpu_alloc takes pcpu_lock and, as a mutex, pcpu_alloc_mutex) is
// told apart by the type.
import type { Frame, PerfSample } from './perf-script.js';

export interface LockContention {
  /** The static lock's symbol, or the caller's name. */
  name: string;
  caller: string;
  type: string;
  contended: number;
  totalWaitNs: number;
  maxWaitNs: number;
  /** The lab's lock class taken at this caller, or null. */
  labClass: string | null;
}

export interface Contentions {
  locks: LockContention[];
  /** Begins with no end inside the capture (still waiting when it stopped). */
  unpaired: number;
}

/**
 * perf's names for the tracepoint's flags (lock_type_table in
 * tools/perf/builtin-lock.c); the tracepoint prints them in the order SPIN,
 * READ, WRITE, RT, PERCPU, MUTEX. A mutex's optimistic spinning on its
 * owner is SPIN|MUTEX, which perf counts as a mutex wait like the sleep.
 */
const TYPES: Record<string, string> = {
  '': 'semaphore',
  SPIN: 'spinlock',
  'SPIN|READ': 'rwlock:R',
  'SPIN|WRITE': 'rwlock:W',
  READ: 'rwsem:R',
  WRITE: 'rwsem:W',
  RT: 'rt-mutex',
  'RT|READ': 'rwlock-rt:R',
  'RT|WRITE': 'rwlock-rt:W',
  'PERCPU|READ': 'pcpu-sem:R',
  'PERCPU|WRITE': 'pcpu-sem:W',
  MUTEX: 'mutex',
  'SPIN|MUTEX': 'mutex',
};

export function lockType(flags: string): string {
  return TYPES[flags] ?? flags.toLowerCase();
}

/** The locking code itself, which perf lock skips to find the caller (it also skips the .lock.text section). */
const LOCK_FUNCTION = /^(_raw_|__raw_|do_raw_|queued_|native_queued_|__pv_queued_|pv_queued_|mutex_lock|__mutex_lock|mutex_trylock|down_|__down|up_|rwsem_|__rwsem_|osq_|rt_mutex|__rt_mutex|rt_spin|percpu_down|__percpu_down|lock_acquire|lock_contended|_cond_resched|__schedule|schedule|preempt_schedule)/;

/** The lab's lock classes and where the kernel takes each: static lock symbol, caller pattern, types. */
export const LAB_CLASSES: readonly { labClass: string; symbol?: string; callers: RegExp; types: readonly string[] }[] = [
  { labClass: 'pcpu_alloc_mutex', symbol: 'pcpu_alloc_mutex', callers: /^pcpu_alloc/, types: ['mutex'] },
  { labClass: 'pcpu_lock', symbol: 'pcpu_lock', callers: /^(pcpu_alloc|free_percpu$|pcpu_populate|pcpu_balance|pcpu_create_chunk)/, types: ['spinlock'] },
  { labClass: 'percpu_counters_lock', symbol: 'percpu_counters_lock', callers: /^(__percpu_counter_init_many|percpu_counter_destroy_many)$/, types: ['spinlock'] },
  { labClass: 'percpu_counter->lock', callers: /^(__percpu_counter_sum|percpu_counter_add_batch|__percpu_counter_sum_many)/, types: ['spinlock'] },
  { labClass: 'pgd_lock', symbol: 'pgd_lock', callers: /^(pgd_alloc|pgd_free|pgd_ctor|pgd_dtor|__paravirt_pgd_alloc)$/, types: ['spinlock'] },
  { labClass: 'lruvec->lru_lock', callers: /^(folio_lruvec_lock|folio_lruvec_relock|lru_add_drain|folios_put_refs|folio_batch_move_lru|release_pages|lru_add)/, types: ['spinlock'] },
  { labClass: 'memcg->mm_list.lock', callers: /^(lru_gen_add_mm|lru_gen_del_mm|lru_gen_migrate_mm)$/, types: ['spinlock'] },
  { labClass: 'mapping->i_mmap_rwsem', callers: /^(i_mmap_lock|vma_link|unlink_file_vma|vma_prepare|__split_vma|commit_merge|free_pgtables|__mmap_region)/, types: ['rwsem:W', 'rwsem:R'] },
  { labClass: '&n->list_lock', callers: /^(get_partial_node|deactivate_slab|__slab_free|__put_partials|put_partials|___slab_alloc|__kmem_cache_do_shrink)/, types: ['spinlock'] },
  { labClass: 'zone->lock', callers: /^(rmqueue_bulk|free_pcppages_bulk|rmqueue|__rmqueue|free_one_page|__free_pages_ok)/, types: ['spinlock'] },
  { labClass: 'pcp->lock', callers: /^(rmqueue_pcplist|free_unref_|free_frozen_page|__free_frozen_pages|decay_pcp|drain_pages)/, types: ['spinlock'] },
];

function labClassOf(name: string, caller: string, type: string): string | null {
  const byName = LAB_CLASSES.find((c) => c.symbol === name);
  if (byName) return byName.labClass;
  return LAB_CLASSES.find((c) => c.callers.test(caller) && c.types.includes(type))?.labClass ?? null;
}

function callerOf(frames: readonly Frame[], lockText: LockText | null): string {
  const inLockText = (ip: string) => lockText !== null && BigInt(`0x${ip}`) >= lockText.start && BigInt(`0x${ip}`) < lockText.end;
  return frames.find((f) => f.symbol !== '[unknown]' && !inLockText(f.ip) && !LOCK_FUNCTION.test(f.symbol))?.symbol ?? '[unknown]';
}

/** The kernel's .lock.text section (__lock_text_start..__lock_text_end in /proc/kallsyms), when known. */
export interface LockText {
  start: bigint;
  end: bigint;
}

export interface ContentionContext {
  /** Lock address (hex, no 0x, lower case) → symbol, for static locks. */
  lockSymbols?: ReadonlyMap<string, string>;
  lockText?: LockText | null;
}

const BEGIN = /^0x([0-9a-f]+)\s+\(flags=([A-Z|_]*)\)/;

export function lockContentions(samples: readonly PerfSample[], ctx: ContentionContext = {}): Contentions {
  const pending = new Map<number, { name: string; caller: string; type: string; t: number }>();
  const rows = new Map<string, LockContention>();
  for (const s of samples) {
    if (s.event === 'lock:contention_begin') {
      const m = BEGIN.exec(s.trace);
      if (m === null) continue;
      const caller = callerOf(s.frames, ctx.lockText ?? null);
      pending.set(s.tid, { name: ctx.lockSymbols?.get(m[1]!) ?? caller, caller, type: lockType(m[2]!), t: s.timeNs });
    } else if (s.event === 'lock:contention_end') {
      const b = pending.get(s.tid);
      if (b === undefined) continue;
      pending.delete(s.tid);
      const wait = s.timeNs - b.t;
      const key = `${b.name}\0${b.caller}\0${b.type}`;
      const row = rows.get(key) ?? { name: b.name, caller: b.caller, type: b.type, contended: 0, totalWaitNs: 0, maxWaitNs: 0, labClass: labClassOf(b.name, b.caller, b.type) };
      row.contended++;
      row.totalWaitNs += wait;
      row.maxWaitNs = Math.max(row.maxWaitNs, wait);
      rows.set(key, row);
    }
  }
  return { locks: [...rows.values()].sort((a, b) => b.totalWaitNs - a.totalWaitNs), unpaired: pending.size };
}

/** From /proc/kallsyms text: the .lock.text bounds and the addresses of the static locks the lab models. */
export function kallsymsLockFacts(kallsyms: string): { lockText: LockText | null; lockSymbols: Map<string, string> } {
  const wanted = new Set(LAB_CLASSES.flatMap((c) => (c.symbol ? [c.symbol] : [])));
  const lockSymbols = new Map<string, string>();
  let start: bigint | null = null;
  let end: bigint | null = null;
  for (const line of kallsyms.split('\n')) {
    const [addr, , name] = line.split(/\s+/);
    if (addr === undefined || name === undefined) continue;
    if (name === '__lock_text_start') start = BigInt(`0x${addr}`);
    else if (name === '__lock_text_end') end = BigInt(`0x${addr}`);
    else if (wanted.has(name) && !/^0+$/.test(addr)) lockSymbols.set(addr.replace(/^0+/, '').toLowerCase(), name);
  }
  return { lockText: start !== null && end !== null ? { start, end } : null, lockSymbols };
}
