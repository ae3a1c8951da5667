// The machine's CPU topology as the kernel sees it (arch/x86/kernel/smpboot.c,
// drivers/base/arch_topology.c, cpu_to_node): which socket (= NUMA node) and
// which core each possible CPU sits on.
//
// CPUs are numbered as x86 Linux enumerates them (ACPI MADT order, what
// lscpu shows on Intel and AMD servers): first one thread of every core,
// socket by socket, then the second thread of every core in the same order.
// So on a 2-socket 96-core 192-CPU machine, CPUs 0-47 are socket 0's cores,
// 48-95 socket 1's, 96-191 their SMT siblings. One NUMA node per socket.
//
// Boot writes cpu_to_node into kernel memory, so every CPU's code (and the
// per-node kernel structures: lruvecs, page lists) reads the same map.
import { MachineError } from './errors.js';
import type { Kernel } from './kernel.js';

export interface Topology {
  /** Possible (= online) CPUs of the booted kernel. */
  machineCpus: number;
  sockets: number;
  /** SMT threads per core. */
  threadsPerCore: number;
}

/** What is wrong with a topology, naming the flag to change; null when it is fine. */
export function topologyProblem(t: Topology): string | null {
  const { machineCpus: n, sockets: s, threadsPerCore: tpc } = t;
  if (!Number.isInteger(s) || s < 1) return `--sockets must be a positive integer, got ${s}`;
  if (!Number.isInteger(tpc) || tpc < 1) return `--threads-per-core must be a positive integer, got ${tpc}`;
  if (n % (s * tpc) !== 0) {
    return `--machine-cpus ${n} cannot be split into ${s} socket(s) of whole cores with ${tpc} thread(s) each: use a multiple of ${s * tpc}`;
  }
  return null;
}

/** The core of every CPU (coreOf) and its socket (socketOf), in x86 enumeration order. */
export function cpuTopology(t: Topology): { coreOf: Int32Array; socketOf: Int32Array } {
  const problem = topologyProblem(t);
  if (problem !== null) throw new MachineError(problem);
  const n = t.machineCpus;
  const cores = n / t.threadsPerCore;
  const coresPerSocket = cores / t.sockets;
  const coreOf = new Int32Array(n);
  const socketOf = new Int32Array(n);
  for (let c = 0; c < n; c++) {
    coreOf[c] = c % cores;
    socketOf[c] = Math.floor(coreOf[c]! / coresPerSocket);
  }
  return { coreOf, socketOf };
}

/** Boot: cpu_to_node for every possible CPU (one node per socket). */
export function topologyInit(kernel: Kernel, sockets: number, threadsPerCore: number): void {
  const { socketOf } = cpuTopology({ machineCpus: kernel.nrCpus, sockets, threadsPerCore });
  const table = kernel.memblockAlloc(4 * (kernel.nrCpus + 1));
  kernel.mem.i32[table >> 2] = sockets;
  kernel.mem.i32.set(socketOf, (table >> 2) + 1);
  kernel.defineSymbol('cpu_to_node', table);
}

/** nr_node_ids. */
export function nrNodes(kernel: Kernel): number {
  return kernel.mem.i32[kernel.symbol('cpu_to_node') >> 2]!;
}

/** cpu_to_node(cpu). */
export function cpuToNode(kernel: Kernel, cpu: number): number {
  return kernel.mem.i32[(kernel.symbol('cpu_to_node') >> 2) + 1 + cpu]!;
}
