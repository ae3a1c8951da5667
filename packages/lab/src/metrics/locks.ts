// The lock table of a point: lock_stat's per-class numbers keyed by class
// name, with the share of the window's CPU time each lock was waited for
// (what perf lock contention's "total wait" means relative to the run).
// Classes never acquired in the window are left out.
import { LockKind, LockWord, type Kernel, type LockClassStats } from '@percpu-lab/machine';
import type { LockResult } from '../results/schema.js';

/** Kind of a lock class, known when a static lock of that name exists. */
export function lockKinds(kernel: Kernel): Record<string, LockResult['kind']> {
  const out: Record<string, LockResult['kind']> = {};
  for (let c = 0; c < kernel.nrLockClasses; c++) {
    const name = kernel.lockClassName(c);
    if (!kernel.hasSymbol(`lock:${name}`)) continue;
    const kind = LockWord.kind.get(kernel.mem, kernel.symbol(`lock:${name}`));
    out[name] = kind === LockKind.Mutex ? 'mutex' : kind === LockKind.SpinLock ? 'spinlock' : null;
  }
  return out;
}

export function lockTable(stats: readonly LockClassStats[], kinds: Record<string, LockResult['kind']>, cpuTimeNs: number): Record<string, LockResult> {
  const out: Record<string, LockResult> = {};
  for (const s of stats) {
    if (s.acquisitions === 0) continue;
    out[s.name] = {
      kind: kinds[s.name] ?? null,
      acquisitions: s.acquisitions,
      contentions: s.contentions,
      waitTotalNs: s.waitTotalNs,
      holdTotalNs: s.holdTotalNs,
      conBounces: s.conBounces,
      acqBounces: s.acqBounces,
      waitMinNs: s.waitMinNs,
      waitMaxNs: s.waitMaxNs,
      holdMinNs: s.holdMinNs,
      holdMaxNs: s.holdMaxNs,
      waitShare: cpuTimeNs > 0 ? s.waitTotalNs / cpuTimeNs : 0,
      holdSampled: s.holdSampled,
      holdTotalErr95: s.holdTotalErr95,
    };
  }
  return out;
}
