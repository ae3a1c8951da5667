// The host's cache sizes, for the calibrated profile's capacity eviction
// (engine/virtual/context.ts): what Linux reports in sysfs for CPU 0 —
// the unified level-2 cache (private to a core on the x86 parts we meet)
// and the last level's size split by the CPUs that share it. Elsewhere, or
// when sysfs says nothing, null: the kernel profile's figures stay.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CACHE_DIR = '/sys/devices/system/cpu/cpu0/cache';

export interface HostCaches {
  privateCacheBytes: number;
  llcBytesPerCore: number;
  /** What was read, for the profile's source text. */
  text: string;
}

interface CacheIndex {
  level: number;
  type: string;
  bytes: number;
  sharedBy: number;
}

/** "1024K" → bytes (sysfs writes sizes in K or M). */
function sizeBytes(s: string): number {
  const m = /^(\d+)([KMG]?)$/.exec(s.trim());
  if (m === null) return NaN;
  return Number(m[1]) * { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2] as '' | 'K' | 'M' | 'G'];
}

/** CPUs in a list such as "0-3,8-11". */
function cpuCount(list: string): number {
  return list.trim().split(',').reduce((n, part) => {
    const [a, b] = part.split('-').map(Number);
    return n + (b === undefined ? 1 : b - a! + 1);
  }, 0);
}

function readIndex(dir: string): CacheIndex | null {
  try {
    const read = (f: string) => readFileSync(join(dir, f), 'utf8').trim();
    return { level: Number(read('level')), type: read('type'), bytes: sizeBytes(read('size')), sharedBy: cpuCount(read('shared_cpu_list')) };
  } catch {
    return null;
  }
}

export function readHostCaches(cacheDir = CACHE_DIR): HostCaches | null {
  let names: string[];
  try {
    names = readdirSync(cacheDir).filter((n) => n.startsWith('index'));
  } catch {
    return null;
  }
  const caches = names.map((n) => readIndex(join(cacheDir, n))).filter((c): c is CacheIndex => c !== null && c.type === 'Unified' && c.bytes > 0);
  const l2 = caches.find((c) => c.level === 2);
  const llc = caches.reduce<CacheIndex | undefined>((a, c) => (a === undefined || c.level > a.level ? c : a), undefined);
  if (l2 === undefined || llc === undefined || llc.level < 3) return null;
  const perCore = llc.bytes / Math.max(1, llc.sharedBy);
  return {
    privateCacheBytes: l2.bytes,
    llcBytesPerCore: perCore,
    text: `${cacheDir}: L2 ${l2.bytes / 1024} KiB shared by ${l2.sharedBy} CPU(s); L${llc.level} ${llc.bytes / 1024} KiB shared by ${llc.sharedBy} CPU(s)`,
  };
}
