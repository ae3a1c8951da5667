// The machine the replay tools run the model on: one CPU per possible CPU of
// the traced kernel, its percpu geometry, real (uncontended) locks, lock
// statistics off. CPUs are made on first use.
import { atomicsLockOps, bootMachine, PAGE_SIZE, RealCpu, type Kernel } from '@percpu-lab/machine';
import { pcpuBoot, pcpuMemblockBytes } from '../boot.js';
import type { PcpuGeometry } from '../geometry.js';
import { Percpu } from '../percpu.js';
import { ReplayInputError } from './errors.js';

export interface ReplayMachine {
  kernel: Kernel;
  percpu: Percpu;
  cpu(id: number): RealCpu;
}

export const DEFAULT_REPLAY_MEM = 256 * 1024 * 1024;

export function bootReplayMachine(geometry: PcpuGeometry & { nrPossible: number }, memBytes = DEFAULT_REPLAY_MEM): ReplayMachine {
  const n = geometry.nrPossible;
  const memblock = 4 * 1024 * 1024 + n * 64 * 1024 + memBytes / 256 + pcpuMemblockBytes(geometry, n);
  const kernel = bootMachine({ nrCpus: n, memBytes, memblockBytes: Math.ceil(memblock / PAGE_SIZE) * PAGE_SIZE, lockStat: false });
  pcpuBoot(kernel, geometry);
  kernel.publish();
  kernel.setLockOps(atomicsLockOps);
  const cpus: RealCpu[] = [];
  return {
    kernel,
    percpu: new Percpu(kernel),
    cpu(id: number): RealCpu {
      let c = cpus[id];
      if (c === undefined) {
        if (!(id >= 0 && id < n)) {
          throw new ReplayInputError(`an event is on CPU ${id} but the geometry has ${n} possible CPUs; pass --cpus`);
        }
        c = cpus[id] = new RealCpu(kernel, id, 1, 1);
        c.online();
      }
      return c;
    },
  };
}
