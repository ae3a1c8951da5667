// After a point's CPUs have stopped: read what the kernel holds into a raw
// point — lock statistics of the measured window, percpu and slab state,
// memory parked in caches — and run the post-run checks. Both engines call
// this on the thread that booted the kernel, with every CPU idle.
//
// Checks:
//   verify  percpu's own verify(): every invariant recomputed from scratch;
//   rss     no rss count lost: every mm allocated was dropped (each drop ran
//           check_mm, which sums every rss counter over all CPUs and throws
//           if one is not zero) and every page the workload mapped it also
//           unmapped;
//   leak    after the drain, only the boot-time percpu allocations live.
// A partial run may have stopped a CPU inside an operation, so its checks
// are skipped rather than reported as failures of the allocator.
import { readLockStats, type Kernel } from '@percpu-lab/machine';
import { Percpu } from '@percpu-lab/percpu';
import type { CpuRaw, PointSpec, RawPoint } from '../engine/engine.js';
import type { CheckResult, HostDisturbance, LifetimeSplit, PointChecks, PointFailure, PointStatus, WarmupUsed } from '../results/schema.js';
import { sumTallies } from '../workloads/tally.js';
import { lockKinds } from './locks.js';
import { slabViews } from './slab.js';

/** What the kernel looked like right after boot, before any CPU ran. */
export interface BootSnapshot {
  /** Live percpu allocations made at boot (by the strategy's own setup). */
  liveAllocations: number;
}

/** Take the boot snapshot; the kernel's lock ops must be set. */
export function bootSnapshot(kernel: Kernel): BootSnapshot {
  return { liveAllocations: new Percpu(kernel).stats().nrCurAlloc };
}

export interface RunOutcome {
  boot: BootSnapshot;
  /** Percpu bytes parked in caches at the end of the window, read with every CPU idle, before the drain. */
  parkedPercpuBytes: number;
  perCpu: (CpuRaw | null)[];
  status: PointStatus;
  failure: PointFailure | null;
  oversubscribed: number;
  timeSplit: LifetimeSplit | null;
  engineInfo: Record<string, string | number | null>;
  /** Threads engine only. */
  warmup?: WarmupUsed;
  disturbance?: HostDisturbance | null;
}

const passed = (detail: string): CheckResult => ({ status: 'passed', detail });
const failed = (detail: string): CheckResult => ({ status: 'failed', detail });
const skipped: CheckResult = { status: 'skipped', detail: 'partial run: a CPU may have stopped inside an operation' };

function rssCheck(perCpu: readonly CpuRaw[]): CheckResult {
  const t = sumTallies(perCpu.map((c) => c.tally));
  if (t.mmAllocs !== t.mmDrops) return failed(`${t.mmAllocs} mms allocated but ${t.mmDrops} dropped`);
  if (t.rssMapped !== t.rssUnmapped) return failed(`${t.rssMapped} rss pages counted in but ${t.rssUnmapped} counted out`);
  if (t.mmDrops === 0) return passed('no mm in this workload');
  return passed(`${t.mmDrops} mms dropped through check_mm with every rss counter at zero; ${t.rssMapped} pages counted in and out`);
}

function leakCheck(live: number, boot: BootSnapshot): CheckResult {
  if (live !== boot.liveAllocations) {
    return failed(`${live} percpu allocations live after every CPU finished and drained its caches; boot left ${boot.liveAllocations}`);
  }
  return passed(`back to the ${boot.liveAllocations} boot-time percpu allocations after the drain`);
}

function verifyCheck(verify: () => void): CheckResult {
  try {
    verify();
    return passed('every percpu invariant holds');
  } catch (e) {
    return failed(`${(e as Error).name}: ${(e as Error).message}`);
  }
}

export function collectPoint(kernel: Kernel, spec: PointSpec, run: RunOutcome): RawPoint {
  const percpu = new Percpu(kernel);
  const stats = percpu.stats();
  const complete = run.status === 'complete';
  const cpus = run.perCpu.filter((c): c is CpuRaw => c !== null);
  const checks: PointChecks = {
    verify: complete ? verifyCheck(() => percpu.verify()) : skipped,
    rss: complete ? rssCheck(cpus) : skipped,
    leak: complete ? leakCheck(stats.nrCurAlloc, run.boot) : skipped,
  };
  return {
    spec,
    perCpu: run.perCpu,
    status: run.status,
    failure: run.failure,
    locks: readLockStats(kernel),
    lockKinds: lockKinds(kernel),
    percpu: stats,
    slab: slabViews(kernel),
    parkedPercpuBytes: run.parkedPercpuBytes,
    checks,
    oversubscribed: run.oversubscribed,
    timeSplit: run.timeSplit,
    engineInfo: run.engineInfo,
    ...(run.warmup && { warmup: run.warmup, disturbance: run.disturbance ?? null }),
  };
}
