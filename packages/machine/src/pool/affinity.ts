// Each emulated CPU on a host core of its own, as will-it-scale binds each
// of its tasks to one CPU. Left to the host scheduler, a CPU's thread lands
// on whichever core is free when its point starts and mostly stays there;
// on a VM whose cores (vCPUs) do not run at the same speed — another tenant
// on the physical core's sibling, another cache — the point then reads that
// core's speed, and fresh instances of one point split into as many levels
// as there are cores (README: threads-engine noise). Binding CPU k to the
// k-th core the process may use makes every point of a run see the same
// cores in the same roles.
//
// Node has no call for sched_setaffinity, so the worker runs `taskset -pc
// CORE TID` (util-linux) on its own thread id. Where that is impossible —
// not Linux, no taskset, a runs with more CPUs than cores (time-sliced
// anyway) — CPUs are left to the scheduler, and the run records that they
// were not bound.
import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';

/** "0-3,8,10-11" → [0, 1, 2, 3, 8, 10, 11]. */
export function parseCpuList(list: string): number[] {
  const out: number[] = [];
  for (const part of list.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (m === null) return [];
    for (let c = Number(m[1]); c <= Number(m[2] ?? m[1]); c++) out.push(c);
  }
  return out;
}

/** The host cores this process may run on (its affinity mask), or [] where /proc does not say. */
export function allowedCores(): number[] {
  try {
    const m = /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m === null ? [] : parseCpuList(m[1]!);
  } catch {
    return [];
  }
}

/**
 * The host core for each of `cpus` CPUs: the k-th allowed core for CPU k,
 * or null for all when there are fewer allowed cores than CPUs (or none known).
 */
export function coresFor(cpus: number, allowed: readonly number[] = allowedCores()): (number | null)[] {
  return Array.from({ length: cpus }, (_, k) => (cpus <= allowed.length ? allowed[k]! : null));
}

/**
 * Bind the calling thread to `cores` (one core, or the whole allowed set to
 * unbind). False when the host cannot: no /proc/thread-self, no taskset.
 */
export function bindThisThread(cores: readonly number[]): boolean {
  if (cores.length === 0) return false;
  let tid: string;
  try {
    tid = readlinkSync('/proc/thread-self').split('/').pop()!;
  } catch {
    return false;
  }
  const r = spawnSync('taskset', ['-pc', cores.join(','), tid], { stdio: 'ignore' });
  return r.status === 0;
}
