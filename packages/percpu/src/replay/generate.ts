// A synthetic percpu trace in the kernel's exact ftrace format, produced by
// running a seeded random workload on the model itself: several CPUs
// allocating and freeing (sizes like a fork/exec mix plus a tail of large
// and aligned requests), balance work run by a kworker, chunks created and
// destroyed. Optionally with stack-trace lines, trace markers, and alloc
// events logged late (after up to `lateBy` events of other CPUs, on as many
// CPUs at once as `lateAtOnce` allows), the way the kernel logs them after
// dropping its locks, and with frees from softirq landing on a CPU between
// an allocation and its late line (an RCU callback). Replaying it must
// match 100 % wherever the placements show the true order.
// Also writes the dmesg boot line and a prelude of pre-trace allocations.
import { runPendingWork } from '@percpu-lab/machine';
import { GFP_ATOMIC, GFP_KERNEL, PCPU_MIN_ALLOC_SIZE } from '../constants.js';
import { formatPcpuBootLine, type PcpuGeometry } from '../geometry.js';
import { bootReplayMachine } from './machine.js';

export interface GenerateOptions {
  geometry: PcpuGeometry & { nrPossible: number };
  /** Allocations and frees after the prelude. */
  ops: number;
  seed: number;
  /** Allocations made before "tracing starts", written as the prelude. */
  preludeAllocs?: number;
  stackTraces?: boolean;
  markers?: boolean;
  /** Probability that an alloc event is logged late: after the next event (up to `lateBy` events) of other CPUs. */
  lateLogging?: number;
  /** Most events of other CPUs a late alloc line comes after (default 1). */
  lateBy?: number;
  /** Most CPUs with a late alloc line pending at once (default 1). */
  lateAtOnce?: number;
  /** Probability, per operation, that a CPU with a late line pending frees an area in softirq before that line. */
  irqFrees?: number;
  /** Share of atomic (GFP_ATOMIC) allocations. */
  atomicShare?: number;
  /** Live allocations the workload aims for (more means more chunks). */
  targetLive?: number;
}

export interface GeneratedTrace {
  trace: string;
  dmesg: string;
  prelude: string;
  /** Events written: allocations, frees, chunk creations and destructions, failures. */
  counts: { allocs: number; frees: number; creates: number; destroys: number; fails: number; late: number };
}

/** pcpu_base_addr of the synthetic kernel, and the top of its vmalloc area (where later chunks go). */
const PCPU_BASE = 0xff1100003ea00000n;
const VMALLOC_TOP = 0xffd2000000000000n;
const MASK64 = (1n << 64n) - 1n;

/** Small deterministic generator (mulberry32), independent of the CPUs' own. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SITES = ['mm_init+0x268/0x3e0', '__percpu_counter_init_many+0x2e/0x110', 'alloc_vfsmnt+0x9e/0x1c0', 'bpf_map_alloc_percpu+0x49/0x90', 'alloc_netdev_mqs+0xac/0x520'];

export function generateTrace(opts: GenerateOptions): GeneratedTrace {
  const g = opts.geometry;
  const rand = rng(opts.seed);
  const { percpu, cpu } = bootReplayMachine(g);
  const p = percpu.ctx;
  const lines: string[] = [
    '# tracer: nop',
    '#',
    `# entries-in-buffer/entries-written: 0/0   #P:${g.nrPossible}`,
    '#',
    '#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION',
    '#              | |         |   |||||     |         |',
  ];
  const counts = { allocs: 0, frees: 0, creates: 0, destroys: 0, fails: 0, late: 0 };

  // Chunk base addresses as the kernel would print them.
  const staticEnd = Math.ceil(g.staticSize / PCPU_MIN_ALLOC_SIZE) * PCPU_MIN_ALLOC_SIZE;
  const bases = new Map<number, bigint>([[p.firstChunk, PCPU_BASE + BigInt((staticEnd + g.reservedSize) & ~0xfff)]]);
  if (p.reservedChunk !== 0) bases.set(p.reservedChunk, PCPU_BASE + BigInt(staticEnd & ~0xfff));
  const span = (BigInt(g.nrPossible * g.unitSize) + 0x1fffffn) & ~0x1fffffn;
  let vmNext = VMALLOC_TOP;
  const hex = (x: bigint) => (x & MASK64).toString(16).padStart(16, '0');
  const baseOf = (chunk: number) => hex(bases.get(chunk)!);

  let ts = 1.0;
  let task = 'swapper/0-1';
  let curCpu = 0;
  const prefix = (t: string, c: number, flags = '.....') => {
    ts += 0.000001 + rand() * 0.00005;
    return `${t.padStart(16)} [${String(c).padStart(3, '0')}] ${flags} ${ts.toFixed(6).padStart(12)}: `;
  };
  let tracing = false;
  p.tracer = {
    createChunk: (chunk) => {
      vmNext -= span;
      bases.set(chunk, vmNext);
      if (!tracing) return;
      counts.creates++;
      lines.push(prefix(task, curCpu) + `percpu_create_chunk: base_addr=${baseOf(chunk)}`);
    },
    destroyChunk: (chunk) => {
      if (tracing) {
        counts.destroys++;
        lines.push(prefix(task, curCpu) + `percpu_destroy_chunk: base_addr=${baseOf(chunk)}`);
      }
      bases.delete(chunk);
    },
  };

  const pickSize = (): [number, number] => {
    const x = rand();
    if (x < 0.35) return [16, 8];
    if (x < 0.7) return [16, 4];
    if (x < 0.8) return [4 * (1 + Math.floor(rand() * 8)), 4];
    if (x < 0.9) return [8 * (1 + Math.floor(rand() * 40)), 8];
    if (x < 0.97) return [32 * (1 + Math.floor(rand() * 32)), 1 << (2 + Math.floor(rand() * 5))];
    return [256 * (1 + Math.floor(rand() * 31)), 1 << (2 + Math.floor(rand() * 11))];
  };

  const live: { ptr: number; cpu: number }[] = [];
  const preludeLines: string[] = ['# allocations before tracing'];
  for (let i = 0; i < (opts.preludeAllocs ?? 0); i++) {
    const [size, align] = pickSize();
    const ptr = percpu.pcpuAlloc(cpu(0), size, align);
    if (ptr === 0) continue;
    preludeLines.push(`size=${size} align=${align} reserved=0`);
    live.push({ ptr, cpu: 0 });
  }
  runPendingWork(cpu(0));
  tracing = true;

  // An event is its task, CPU, flags and body; the timestamp is taken when it is written.
  interface Pending { task: string; cpu: number; flags: string; body: string; site?: string }
  const write = (e: Pending) => {
    lines.push(prefix(e.task, e.cpu, e.flags) + e.body);
    if (opts.stackTraces && e.site !== undefined) {
      lines.push(prefix(e.task, e.cpu, e.flags) + '<stack trace>', ' => trace_event_raw_event_percpu_alloc_percpu', ' => pcpu_alloc_noprof', ` => ${e.site.split('+')[0]}`);
    }
  };
  // Alloc lines logged late, by CPU, with how many more events of other CPUs come before them. Nobody
  // frees such an area before its allocation returned (and logged); its own task logs nothing before.
  const late = new Map<number, { ev: Pending; ptr: number; left: number }>();
  const flush = (c: number) => {
    const l = late.get(c);
    if (l === undefined) return;
    late.delete(c);
    write(l.ev);
  };
  // An event in interrupt context does not end its CPU's late line: the task is still in pcpu_alloc.
  const emit = (e: Pending, irq = false) => {
    if (!irq) flush(e.cpu);
    write(e);
    for (const [c, l] of late) if (c !== e.cpu && --l.left === 0) flush(c);
  };
  const freeLine = (ptr: number) => {
    const chunk = p.i32[(p.chunkTable >> 2) + Math.floor(ptr / p.vaSpan)]!;
    const off = ptr % p.vaSpan;
    const base = bases.get(chunk)!;
    return `percpu_free_percpu: base_addr=${hex(base)} off=${off} ptr=${hex(base + BigInt(off) - PCPU_BASE)}`;
  };
  const lateBy = opts.lateBy ?? 1;

  const target = opts.targetLive ?? 400;
  for (let op = 0; op < opts.ops; op++) {
    curCpu = Math.floor(rand() * g.nrPossible);
    task = `task${100 + curCpu}-${200 + curCpu}`;
    const c = cpu(curCpu);
    if (opts.markers && op % 500 === 0) lines.push(prefix('init-1', curCpu) + `tracing_mark_write: PHASE step ${op / 500} BEGIN`);
    if (live.length === 0 || rand() < 0.5 + 0.3 * (1 - live.length / target)) {
      const [size, align] = pickSize();
      const atomic = rand() < (opts.atomicShare ?? 0);
      const gfp = atomic ? 'GFP_ATOMIC' : rand() < 0.5 ? 'GFP_KERNEL_ACCOUNT' : 'GFP_KERNEL';
      const site = SITES[Math.floor(rand() * SITES.length)]!;
      const ptr = percpu.pcpuAlloc(c, size, align, false, atomic ? GFP_ATOMIC : GFP_KERNEL);
      const aligned = Math.max(align, PCPU_MIN_ALLOC_SIZE);
      if (ptr === 0) {
        counts.fails++;
        emit({ task, cpu: curCpu, flags: '.....', body: `percpu_alloc_percpu_fail: reserved=0 is_atomic=${atomic ? 1 : 0} size=${size} align=${aligned}` });
      } else {
        counts.allocs++;
        live.push({ ptr, cpu: curCpu });
        const chunk = p.i32[(p.chunkTable >> 2) + Math.floor(ptr / p.vaSpan)]!;
        const off = ptr % p.vaSpan;
        const base = bases.get(chunk)!;
        const ev: Pending = {
          task,
          cpu: curCpu,
          flags: '.....',
          site,
          body:
            `percpu_alloc_percpu: call_site=${site} reserved=0 is_atomic=${atomic ? 1 : 0} size=${size} align=${aligned} ` +
            `base_addr=${hex(base)} off=${off} ptr=${hex(base + BigInt(off) - PCPU_BASE)} ` +
            `bytes_alloc=${size * g.nrPossible + (size / 4) * 8} gfp_flags=${gfp}`,
        };
        if (late.size < (opts.lateAtOnce ?? 1) && !late.has(curCpu) && rand() < (opts.lateLogging ?? 0)) {
          counts.late++;
          late.set(curCpu, { ev, ptr, left: lateBy === 1 ? 1 : 1 + Math.floor(rand() * lateBy) });
        } else {
          emit(ev);
        }
      }
    } else {
      const k = Math.floor(rand() * live.length);
      const { ptr } = live[k]!;
      for (const [c, l] of late) if (l.ptr === ptr) flush(c);
      live[k] = live[live.length - 1]!;
      live.pop();
      const body = freeLine(ptr);
      percpu.freePercpu(c, ptr);
      counts.frees++;
      emit({ task, cpu: curCpu, flags: 'd..1.', body });
    }
    // An RCU callback in softirq on a CPU whose task has not logged its allocation yet.
    const irqCpu = [...late.keys()].find((x) => x !== curCpu);
    if ((opts.irqFrees ?? 0) > 0 && irqCpu !== undefined && rand() < opts.irqFrees!) {
      const k = Math.floor(rand() * live.length);
      const { ptr } = live[k] ?? { ptr: 0 };
      if (ptr !== 0 && ![...late.values()].some((l) => l.ptr === ptr)) {
        live[k] = live[live.length - 1]!;
        live.pop();
        const body = freeLine(ptr);
        percpu.freePercpu(cpu(irqCpu), ptr);
        counts.frees++;
        emit({ task: `task${100 + irqCpu}-${200 + irqCpu}`, cpu: irqCpu, flags: 'd.s2.', body }, true);
      }
    }
    // The kworker runs balance work at this CPU's next scheduling point.
    task = `kworker/${curCpu}:1-35`;
    runPendingWork(c);
  }
  for (const c of [...late.keys()]) flush(c);
  return {
    trace: lines.join('\n') + '\n',
    dmesg: `[    0.081430] setup_percpu: NR_CPUS:8192 nr_cpumask_bits:${g.nrPossible} nr_cpu_ids:${g.nrPossible} nr_node_ids:1\n[    0.088997] ${formatPcpuBootLine(g)}\n`,
    prelude: preludeLines.join('\n') + '\n',
    counts,
  };
}
