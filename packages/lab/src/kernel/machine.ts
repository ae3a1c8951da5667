// The machine the real benchmark runs on, as Linux describes it: possible
// and online CPUs (/sys/devices/system/cpu/{possible,online}), sockets
// (distinct physical_package_id of the online CPUs), SMT (the size of a
// CPU's thread_siblings_list), the L2 and last-level caches (sysfs cache
// indexes of CPU 0, or /proc/cpuinfo's `cache size` when a VM exposes no
// cache directory), and whether it runs under a hypervisor: the
// `hypervisor` cpu flag, /sys/hypervisor/type, and paravirtual symbols in
// /proc/kallsyms (PVM's pvm_*, KVM guest's kvm_*, Xen's xen_*, Hyper-V's
// hv_*). Every file is read through `read`, so a test gives its own.
import { readFileSync } from 'node:fs';

export type ReadText = (path: string) => string | null;

export const readText: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

export interface HostCache {
  level: number;
  bytes: number;
  sharedBy: number;
  source: string;
}

export interface HostMachine {
  model: string;
  kernel: string;
  possibleCpus: number;
  onlineCpus: number[];
  sockets: number;
  threadsPerCore: number;
  l2: HostCache | null;
  llc: HostCache | null;
  hypervisor: {
    /** The `hypervisor` flag of /proc/cpuinfo: the CPU says it is virtual. */
    cpuFlag: boolean;
    /** /sys/hypervisor/type, when present (xen). */
    type: string | null;
    /** Paravirtual symbol family → how many text symbols /proc/kallsyms has of it. */
    paravirtSymbols: Record<string, number>;
  };
  virtualized: boolean;
}

const CPU = '/sys/devices/system/cpu';
const PV_FAMILIES: Record<string, RegExp> = { 'pvm_*': /^pvm_/, 'kvm_*': /^kvm_/, 'xen_*': /^xen_/, 'hv_*': /^hv_/ };

/** "0-3,8-11" → [0, 1, 2, 3, 8, 9, 10, 11]. */
export function cpuListOf(list: string): number[] {
  return list.trim().split(',').filter(Boolean).flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
}

function sizeBytes(s: string): number {
  const m = /^(\d+)\s*([KMG]?)B?$/i.exec(s.trim());
  return m === null ? NaN : Number(m[1]) * { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
}

function caches(read: ReadText, cpuinfo: string): { l2: HostCache | null; llc: HostCache | null } {
  const found: HostCache[] = [];
  for (let i = 0; i < 16; i++) {
    const dir = `${CPU}/cpu0/cache/index${i}`;
    const [level, type, size, shared] = ['level', 'type', 'size', 'shared_cpu_list'].map((f) => read(`${dir}/${f}`)?.trim());
    if (level === undefined) break;
    if (type !== 'Unified' || size === undefined) continue;
    found.push({ level: Number(level), bytes: sizeBytes(size), sharedBy: shared ? cpuListOf(shared).length : 1, source: dir });
  }
  if (found.length > 0) {
    const llc = found.reduce((a, c) => (c.level > a.level ? c : a));
    return { l2: found.find((c) => c.level === 2) ?? null, llc: llc.level > 2 ? llc : null };
  }
  // No sysfs cache directory (common in VMs): cpuinfo's one figure, which is the L2 on AMD and the LLC on Intel.
  const m = /^cache size\s*:\s*(.+)$/m.exec(cpuinfo);
  if (m === null) return { l2: null, llc: null };
  const c = { level: 0, bytes: sizeBytes(m[1]!), sharedBy: 1, source: '/proc/cpuinfo cache size' };
  return /AuthenticAMD|AMD/.test(cpuinfo) ? { l2: { ...c, level: 2 }, llc: null } : { l2: null, llc: c };
}

export function readHostMachine(read: ReadText = readText): HostMachine {
  const cpuinfo = read('/proc/cpuinfo') ?? '';
  const online = cpuListOf(read(`${CPU}/online`) ?? '0');
  const possible = cpuListOf(read(`${CPU}/possible`) ?? read(`${CPU}/online`) ?? '0').length;
  const packages = new Set(online.map((c) => read(`${CPU}/cpu${c}/topology/physical_package_id`)?.trim() ?? '0'));
  const siblings = read(`${CPU}/cpu${online[0] ?? 0}/topology/thread_siblings_list`);
  const flags = /^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.split(/\s+/) ?? [];
  const paravirtSymbols: Record<string, number> = {};
  for (const line of (read('/proc/kallsyms') ?? '').split('\n')) {
    const [, type, name] = line.split(/\s+/);
    if (name === undefined || !/^[tT]$/.test(type ?? '')) continue;
    for (const [family, re] of Object.entries(PV_FAMILIES)) if (re.test(name)) paravirtSymbols[family] = (paravirtSymbols[family] ?? 0) + 1;
  }
  const hvType = read('/sys/hypervisor/type')?.trim() || null;
  const cpuFlag = flags.includes('hypervisor');
  return {
    model: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown CPU',
    kernel: read('/proc/sys/kernel/osrelease')?.trim() ?? 'unknown',
    possibleCpus: possible,
    onlineCpus: online,
    sockets: packages.size,
    threadsPerCore: siblings ? cpuListOf(siblings).length : 1,
    ...caches(read, cpuinfo),
    hypervisor: { cpuFlag, type: hvType, paravirtSymbols },
    // Paravirt symbols are reported but do not decide: a kernel built with CONFIG_KVM_GUEST has kvm_* on bare metal too.
    virtualized: cpuFlag || hvType !== null,
  };
}

/**
 * The online CPUs in the order the lab numbers a machine's CPUs (one thread
 * of every core, socket by socket, then the SMT siblings), so that process
 * i of the real run sits where the lab's busy CPU i does.
 */
export function pinOrder(machine: HostMachine, read: ReadText = readText): number[] {
  const key = (c: number) => {
    const socket = Number(read(`${CPU}/cpu${c}/topology/physical_package_id`)?.trim() ?? 0);
    const siblings = cpuListOf(read(`${CPU}/cpu${c}/topology/thread_siblings_list`) ?? String(c));
    return [siblings.indexOf(c), socket, c];
  };
  const keys = new Map(machine.onlineCpus.map((c) => [c, key(c)]));
  return [...machine.onlineCpus].sort((a, b) => {
    const [x, y] = [keys.get(a)!, keys.get(b)!];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  });
}
