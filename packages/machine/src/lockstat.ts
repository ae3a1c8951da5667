// Lock statistics with /proc/lock_stat semantics (kernel/locking/lockdep.c
// and lockdep_proc.c, CONFIG_LOCK_STAT): per lock class, contentions and
// acquisitions, con-bounces and acq-bounces, and a min/max/total for wait
// and hold times.
//
// As in the kernel, the statistics live per CPU (lock_class_stats is a
// per-CPU array there too) and are merged on read, so measuring adds no
// shared cache line to the lock hot path. Like the kernel's lock_time, a
// time series keeps its own count: contentions = waits recorded, and
// acquisitions = holds recorded — counted at release by the exact recorder
// (lockStatReleased), at acquisition by the sampled one (see
// LOCK_STAT_HOLD_LEFT).
// A bounce is an event on a different CPU from the lock's previous
// acquisition. Left out: read/write splits (no rwlocks here), contention
// points (call sites).
//
// Counts, bounces and wait times are exact. Hold times may be sampled
// (the threads engine's locks do, because two clock reads cost several
// times the lock itself): each acquisition is timed with probability
// 1/HOLD_SAMPLE_EVERY. Per CPU and class, the gap to the next timed
// acquisition is drawn from the geometric distribution, so the timed
// acquisitions are a uniform random sample whatever the pattern of holds
// (a fixed 1-in-N would alias with a path that takes a lock N times per
// cycle). The hold total is then the sampled mean times the exact
// acquisition count, min and max are over the timed acquisitions, and the
// sum of squares gives each class's error bound. A recorder that times
// every hold (the virtual engine's) leaves the totals exact.
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
  /** holdtime.nr as the exact recorder counts it: acquire/release pairs. */
  acquisitions: 'f64',
  holdMin: 'f64',
  holdMax: 'f64',
  holdTotal: 'f64',
  /** Contended while the lock was last taken on another CPU. */
  conBounces: 'f64',
  /** Acquired after another CPU took it last. */
  acqBounces: 'f64',
  /** Acquisitions whose hold was timed (== acquisitions when every hold is). */
  holdSampled: 'f64',
  /** Sum of squared timed holds, for the sampling error. */
  holdSquares: 'f64',
  /** Sampled recorder: acquisitions to go until the next timed one, counting down. */
  holdLeft: 'f64',
  /** Sampled recorder: sum of the gaps drawn, so its acquisitions = holdDrawn − holdLeft. */
  holdDrawn: 'f64',
  /** State of the xorshift32 stream that draws this slot's countdowns. */
  holdRng: 'f64',
});

/** Mean gap between timed holds of one class on one CPU. */
export const HOLD_SAMPLE_EVERY = 64;

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
const HSMP = LockStat.holdSampled.offset >> 3;
const HSQ = LockStat.holdSquares.offset >> 3;
const HLEFT = LockStat.holdLeft.offset >> 3;
const HDRAWN = LockStat.holdDrawn.offset >> 3;
const HRNG = LockStat.holdRng.offset >> 3;

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
  /** Exact when holdSampled === acquisitions, else estimated from the timed holds. */
  holdTotalNs: number;
  /** Acquisitions whose hold was timed. */
  holdSampled: number;
  /**
   * 95 % bound on the relative error of holdTotalNs from sampling (0 when
   * every hold was timed, null with fewer than two timed holds).
   */
  holdTotalErr95: number | null;
}

/** How hold times are sampled, in words, for report headers. */
export const HOLD_SAMPLING_TEXT =
  `hold times: each acquisition timed with probability 1/${HOLD_SAMPLE_EVERY} (geometric countdown per CPU and class); ` +
  'holdtime-total = sampled mean x acquisitions, min/max over timed acquisitions; counts, bounces and wait times exact';

export function lockStatInit(kernel: Kernel): void {
  const bytes = LockStat.size * MAX_LOCK_CLASSES * kernel.nrCpus;
  kernel.defineSymbol('lock_stats', kernel.memblockAlloc(bytes));
  seedHoldSampling(kernel);
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

/** The exact recorder's release: count the acquisition and record its hold of `holdNs`. */
export function lockStatReleased(f64: Float64Array, s: number, holdNs: number): void {
  f64[s + ACQ]! += 1;
  lockStatHeld(f64, s, holdNs);
}

/** Record one timed hold (the sampled recorder counted its acquisition already). */
export function lockStatHeld(f64: Float64Array, s: number, holdNs: number): void {
  const n = f64[s + HSMP]!;
  if (n === 0 || holdNs < f64[s + HMIN]!) f64[s + HMIN] = holdNs;
  if (holdNs > f64[s + HMAX]!) f64[s + HMAX] = holdNs;
  f64[s + HTOT]! += holdNs;
  f64[s + HSQ]! += holdNs * holdNs;
  f64[s + HSMP] = n + 1;
}

/** xorshift32 step; the state is kept in an f64 slot as an unsigned 32-bit value. */
function xorshift32(x: number): number {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  return x >>> 0;
}

/** Acquisitions from one timed hold to the next: geometric with mean HOLD_SAMPLE_EVERY, at least 1. */
function drawGap(f64: Float64Array, s: number): number {
  const x = xorshift32(f64[s + HRNG]!);
  f64[s + HRNG] = x;
  const u = (x + 1) / 4294967297; // in (0, 1)
  return 1 + Math.floor(Math.log(u) / Math.log1p(-1 / HOLD_SAMPLE_EVERY));
}

/**
 * The sampled recorder counts an acquisition on the lock's fast path
 * (atomics-lock.ts) with one decrement, slot[HOLD_LEFT] -= 1, and times the
 * hold of the acquisition that takes it to 0; then lockStatScheduleHold
 * draws the next gap. Its acquisitions are the gaps drawn less what is
 * left, so the count costs no second field, and an untimed release records
 * nothing. (Measured here: a helper doing this was not inlined into the
 * lock and cost ~3 ns a pair; a separate count and threshold ~1-2 ns more.)
 */
export const LOCK_STAT_HOLD_LEFT = HLEFT;

/** The countdown of slot `s` reached 0: draw the gap to the next timed acquisition. */
export function lockStatScheduleHold(f64: Float64Array, s: number): void {
  const gap = drawGap(f64, s);
  f64[s + HLEFT] = gap;
  f64[s + HDRAWN]! += gap;
}

/**
 * Give every CPU's slot of every class its own sampling stream and a first
 * countdown. `seed` varies the streams between runs (tests draw many).
 */
export function seedHoldSampling(kernel: Kernel, seed = 0): void {
  const f64 = kernel.mem.f64;
  for (let cpu = 0; cpu < kernel.nrCpus; cpu++) {
    for (let cls = 0; cls < MAX_LOCK_CLASSES; cls++) {
      const s = lockStatAddr(kernel, cpu, cls) >> 3;
      // Any non-zero start works for xorshift; mix so neighbouring slots do not start alike.
      f64[s + HRNG] = (Math.imul((cpu * MAX_LOCK_CLASSES + cls + 1) ^ seed, 0x9e3779b1) >>> 0) || 1;
      f64[s + HDRAWN] = 0;
      lockStatScheduleHold(f64, s);
    }
  }
}

/** Hold total and its 95 % sampling error from n acquisitions, m of them timed (sum, sum of squares). */
function holdEstimate(n: number, m: number, sum: number, squares: number): { total: number; err95: number | null } {
  if (m === n) return { total: sum, err95: 0 };
  if (m === 0) return { total: 0, err95: null };
  const mean = sum / m;
  if (m < 2 || mean === 0) return { total: mean * n, err95: null };
  // Simple random sample of m out of n: standard error of the mean with the finite-population correction.
  const variance = Math.max(0, (squares - m * mean * mean) / (m - 1));
  const se = Math.sqrt((variance / m) * (1 - m / n));
  return { total: mean * n, err95: (1.96 * se) / mean };
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
      holdSampled: 0, holdTotalErr95: 0,
    };
    let holdSum = 0;
    let holdSquares = 0;
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
      const timed = LockStat.holdSampled.get(m, a);
      if (timed > 0) {
        const hmin = LockStat.holdMin.get(m, a);
        s.holdMinNs = s.holdSampled === 0 ? hmin : Math.min(s.holdMinNs, hmin);
        s.holdMaxNs = Math.max(s.holdMaxNs, LockStat.holdMax.get(m, a));
        holdSum += LockStat.holdTotal.get(m, a);
        holdSquares += LockStat.holdSquares.get(m, a);
        s.holdSampled += timed;
      }
      s.acquisitions += LockStat.acquisitions.get(m, a) + LockStat.holdDrawn.get(m, a) - LockStat.holdLeft.get(m, a);
      s.conBounces += LockStat.conBounces.get(m, a);
      s.acqBounces += LockStat.acqBounces.get(m, a);
    }
    const hold = holdEstimate(s.acquisitions, s.holdSampled, holdSum, holdSquares);
    s.holdTotalNs = hold.total;
    s.holdTotalErr95 = hold.err95;
    out.push(s);
  }
  return out;
}

/** Zero every CPU's lock statistics (end of warm-up) and restart the sampling streams. Call with CPUs idle. */
export function resetLockStats(kernel: Kernel, seed = 0): void {
  const base = kernel.symbol('lock_stats');
  kernel.mem.zero(base, LockStat.size * MAX_LOCK_CLASSES * kernel.nrCpus);
  seedHoldSampling(kernel, seed);
}
