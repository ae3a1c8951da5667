// Lock statistics with /proc/lock_stat semantics (kernel/locking/lockdep.c,
// CONFIG_LOCK_STAT): per lock class, acquisitions, contentions, bounces and
// wait/hold times. Kept per CPU and merged on read, as the kernel does, so
// that measuring adds no shared cache line to the hot path.
import { struct } from './struct.js';
import { MAX_LOCK_CLASSES, type Kernel } from './kernel.js';

export const LockStat = struct('lock_class_stats', {
  acquisitions: 'f64',
  contentions: 'f64',
  /** Contended while the previous holder was another CPU. */
  conBounces: 'f64',
  /** Acquired after another CPU held it last. */
  acqBounces: 'f64',
  waitMin: 'f64',
  waitMax: 'f64',
  waitTotal: 'f64',
  holdMin: 'f64',
  holdMax: 'f64',
  holdTotal: 'f64',
});

/** Merged statistics of one lock class (times in ns). */
export interface LockClassStats {
  name: string;
  acquisitions: number;
  contentions: number;
  conBounces: number;
  acqBounces: number;
  waitMinNs: number;
  waitMaxNs: number;
  waitTotalNs: number;
  holdMinNs: number;
  holdMaxNs: number;
  holdTotalNs: number;
}

export function lockStatInit(kernel: Kernel): void {
  const bytes = LockStat.size * MAX_LOCK_CLASSES * kernel.nrCpus;
  kernel.defineSymbol('lock_stats', kernel.memblockAlloc(bytes));
}

export function lockStatAddr(kernel: Kernel, cpu: number, classId: number): number {
  return kernel.symbol('lock_stats') + (cpu * MAX_LOCK_CLASSES + classId) * LockStat.size;
}

/** Record one acquisition by `cpu`; waitNs < 0 means it was uncontended. */
export function lockStatAcquired(kernel: Kernel, statAddr: number, bounced: boolean, waitNs: number): void {
  const m = kernel.mem;
  LockStat.acquisitions.set(m, statAddr, LockStat.acquisitions.get(m, statAddr) + 1);
  if (bounced) LockStat.acqBounces.set(m, statAddr, LockStat.acqBounces.get(m, statAddr) + 1);
  if (waitNs < 0) return;
  LockStat.contentions.set(m, statAddr, LockStat.contentions.get(m, statAddr) + 1);
  if (bounced) LockStat.conBounces.set(m, statAddr, LockStat.conBounces.get(m, statAddr) + 1);
  const n = LockStat.contentions.get(m, statAddr);
  if (n === 1 || waitNs < LockStat.waitMin.get(m, statAddr)) LockStat.waitMin.set(m, statAddr, waitNs);
  if (waitNs > LockStat.waitMax.get(m, statAddr)) LockStat.waitMax.set(m, statAddr, waitNs);
  LockStat.waitTotal.set(m, statAddr, LockStat.waitTotal.get(m, statAddr) + waitNs);
}

export function lockStatReleased(kernel: Kernel, statAddr: number, holdNs: number): void {
  const m = kernel.mem;
  const first = LockStat.holdTotal.get(m, statAddr) === 0 && LockStat.holdMax.get(m, statAddr) === 0;
  if (first || holdNs < LockStat.holdMin.get(m, statAddr)) LockStat.holdMin.set(m, statAddr, holdNs);
  if (holdNs > LockStat.holdMax.get(m, statAddr)) LockStat.holdMax.set(m, statAddr, holdNs);
  LockStat.holdTotal.set(m, statAddr, LockStat.holdTotal.get(m, statAddr) + holdNs);
}

/** Merge every CPU's statistics, one entry per lock class. */
export function readLockStats(kernel: Kernel): LockClassStats[] {
  const m = kernel.mem;
  const out: LockClassStats[] = [];
  for (let cls = 0; cls < kernel.nrLockClasses; cls++) {
    const s: LockClassStats = {
      name: kernel.lockClassName(cls),
      acquisitions: 0, contentions: 0, conBounces: 0, acqBounces: 0,
      waitMinNs: 0, waitMaxNs: 0, waitTotalNs: 0, holdMinNs: 0, holdMaxNs: 0, holdTotalNs: 0,
    };
    for (let cpu = 0; cpu < kernel.nrCpus; cpu++) {
      const a = lockStatAddr(kernel, cpu, cls);
      const acq = LockStat.acquisitions.get(m, a);
      if (acq === 0) continue;
      const con = LockStat.contentions.get(m, a);
      if (con > 0) {
        const wmin = LockStat.waitMin.get(m, a);
        s.waitMinNs = s.contentions === 0 ? wmin : Math.min(s.waitMinNs, wmin);
        s.waitMaxNs = Math.max(s.waitMaxNs, LockStat.waitMax.get(m, a));
      }
      const hmin = LockStat.holdMin.get(m, a);
      s.holdMinNs = s.acquisitions === 0 ? hmin : Math.min(s.holdMinNs, hmin);
      s.holdMaxNs = Math.max(s.holdMaxNs, LockStat.holdMax.get(m, a));
      s.acquisitions += acq;
      s.contentions += con;
      s.conBounces += LockStat.conBounces.get(m, a);
      s.acqBounces += LockStat.acqBounces.get(m, a);
      s.waitTotalNs += LockStat.waitTotal.get(m, a);
      s.holdTotalNs += LockStat.holdTotal.get(m, a);
    }
    out.push(s);
  }
  return out;
}

/** Zero every CPU's lock statistics (end of warm-up). Call with CPUs idle. */
export function resetLockStats(kernel: Kernel): void {
  const base = kernel.symbol('lock_stats');
  kernel.mem.zero(base, LockStat.size * MAX_LOCK_CLASSES * kernel.nrCpus);
}
