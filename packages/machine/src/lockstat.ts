// Lock statistics with /proc/lock_stat semantics (kernel/locking/lockdep.c
// and lockdep_proc.c, CONFIG_LOCK_STAT): per lock class, contentions and
// acquisitions, con-bounces and acq-bounces, and a min/max/total for wait
// and hold times.
//
// As in the kernel, the statistics live per CPU (lock_class_stats is a
// per-CPU array there too) and are merged on read, so measuring adds no
// shared cache line to the lock hot path. Like the kernel's lock_time, a
// time series keeps its own count: contentions = waits recorded, and
// acquisitions = holds recorded, i.e. counted when the lock is released.
// A bounce is an event on a different CPU from the lock's previous
// acquisition. Left out: read/write splits (no rwlocks here), contention
// points (call sites).
//
// Only the CPU that owns a slot writes it, so the recorders use plain
// accesses; readers merge after the CPUs have stopped.
import { struct } from './struct.js';
import { MAX_LOCK_CLASSES, type Kernel } from './kernel.js';

export const LockStat = struct('lock_class_stats', {
  /** waittime.nr: acquisitions that had to wait. */
  contentions: 'f64',
  waitMin: 'f64',
  waitMax: 'f64',
  waitTotal: 'f64',
  /** holdtime.nr: completed acquire/release pairs. */
  acquisitions: 'f64',
  holdMin: 'f64',
  holdMax: 'f64',
  holdTotal: 'f64',
  /** Contended while the lock was last taken on another CPU. */
  conBounces: 'f64',
  /** Acquired after another CPU took it last. */
  acqBounces: 'f64',
});

// Float64Array offsets of the fields, for the recorders that run on every lock operation.
const CON = LockStat.contentions.offset >> 3;
const WMIN = LockStat.waitMin.offset >> 3;
const WMAX = LockStat.waitMax.offset >> 3;
const WTOT = LockStat.waitTotal.offset >> 3;
const ACQ = LockStat.acquisitions.offset >> 3;
const HMIN = LockStat.holdMin.offset >> 3;
const HMAX = LockStat.holdMax.offset >> 3;
const HTOT = LockStat.holdTotal.offset >> 3;
const CONB = LockStat.conBounces.offset >> 3;
const ACQB = LockStat.acqBounces.offset >> 3;

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

/** Byte address of `cpu`'s statistics for lock class `classId`. */
export function lockStatAddr(kernel: Kernel, cpu: number, classId: number): number {
  return kernel.symbol('lock_stats') + (cpu * MAX_LOCK_CLASSES + classId) * LockStat.size;
}

/** Float64Array elements between one CPU's slot of a class and the next CPU's. */
export const LOCK_STAT_CPU_STRIDE = (MAX_LOCK_CLASSES * LockStat.size) >> 3;

/**
 * Record that the lock was acquired. `s` is the Float64Array index of this
 * CPU's slot (lockStatAddr >> 3); waitNs < 0 means it was uncontended.
 */
export function lockStatAcquired(f64: Float64Array, s: number, bounced: boolean, waitNs: number): void {
  if (bounced) f64[s + ACQB]! += 1;
  if (waitNs < 0) return;
  if (bounced) f64[s + CONB]! += 1;
  const n = f64[s + CON]!;
  if (n === 0 || waitNs < f64[s + WMIN]!) f64[s + WMIN] = waitNs;
  if (waitNs > f64[s + WMAX]!) f64[s + WMAX] = waitNs;
  f64[s + WTOT]! += waitNs;
  f64[s + CON] = n + 1;
}

/** Record a release after holding the lock for `holdNs`. */
export function lockStatReleased(f64: Float64Array, s: number, holdNs: number): void {
  const n = f64[s + ACQ]!;
  if (n === 0 || holdNs < f64[s + HMIN]!) f64[s + HMIN] = holdNs;
  if (holdNs > f64[s + HMAX]!) f64[s + HMAX] = holdNs;
  f64[s + HTOT]! += holdNs;
  f64[s + ACQ] = n + 1;
}

/** Merge every CPU's statistics, one entry per lock class, in class order. */
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
      const con = LockStat.contentions.get(m, a);
      if (con > 0) {
        const wmin = LockStat.waitMin.get(m, a);
        s.waitMinNs = s.contentions === 0 ? wmin : Math.min(s.waitMinNs, wmin);
        s.waitMaxNs = Math.max(s.waitMaxNs, LockStat.waitMax.get(m, a));
        s.waitTotalNs += LockStat.waitTotal.get(m, a);
        s.contentions += con;
      }
      const acq = LockStat.acquisitions.get(m, a);
      if (acq > 0) {
        const hmin = LockStat.holdMin.get(m, a);
        s.holdMinNs = s.acquisitions === 0 ? hmin : Math.min(s.holdMinNs, hmin);
        s.holdMaxNs = Math.max(s.holdMaxNs, LockStat.holdMax.get(m, a));
        s.holdTotalNs += LockStat.holdTotal.get(m, a);
        s.acquisitions += acq;
      }
      s.conBounces += LockStat.conBounces.get(m, a);
      s.acqBounces += LockStat.acqBounces.get(m, a);
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
