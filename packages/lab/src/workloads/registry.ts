// Every workload by name. A new workload is one module and one line here.
import type { WorkloadName } from '../scenario/schema.js';
import { doexec } from './doexec.js';
import { replaySizes } from './replay-sizes.js';
import { spawnRemote } from './spawn-remote.js';
import { threads } from './threads.js';
import type { Workload } from './types.js';

const WORKLOADS: Record<WorkloadName, Workload> = {
  doexec,
  'spawn-remote': spawnRemote,
  threads,
  'replay-sizes': replaySizes,
};

export function getWorkload(name: WorkloadName): Workload {
  return WORKLOADS[name];
}
