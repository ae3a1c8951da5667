// The virtual engine drives the real percpu model on 1024 CPUs in one
// thread: every possible CPU has its unit, an allocation is zeroed and usable
// in every unit, the allocator's invariants hold afterwards, and the global
// allocation mutex is where the CPUs queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootMachine } from '@percpu-lab/machine';
import { pcpuBoot, pcpuMemblockBytes, Percpu, type PcpuGeometry } from '@percpu-lab/percpu';
import { loadProfile } from '../src/cost-model/index.js';
import { createVirtualCpus, runVirtual } from '../src/engine/virtual/index.js';
import { statOf } from './fixtures/virtual-machine.js';

const NR_CPUS = 1024;
/** A small unit keeps 1024 units per chunk inside kernel memory (64 KiB x 1024 = 64 MiB a chunk). */
const GEOMETRY: PcpuGeometry = { unitSize: 64 * 1024, staticSize: 16 * 1024, reservedSize: 8192, dynSize: 28672 };
const MEM_BYTES = 512 * 1024 * 1024;

test('1024 virtual CPUs allocate and free percpu memory with one unit per CPU', () => {
  const memblockBytes = Math.ceil((4 * 1024 * 1024 + NR_CPUS * 64 * 1024 + MEM_BYTES / 256 + pcpuMemblockBytes(GEOMETRY, NR_CPUS)) / 4096) * 4096;
  const kernel = bootMachine({ nrCpus: NR_CPUS, memBytes: MEM_BYTES, memblockBytes });
  pcpuBoot(kernel, GEOMETRY);
  kernel.publish();
  const cpus = createVirtualCpus(kernel, NR_CPUS, loadProfile('kernel'), { sockets: 2 }, 3);
  const percpu = new Percpu(kernel);
  const i32 = kernel.mem.i32;
  let dirty = 0;
  const programs = cpus.map((cpu) => {
    let ptr = 0;
    return {
      step() {
        if (ptr === 0) {
          ptr = percpu.pcpuAlloc(cpu, 16, 8);
          assert.notEqual(ptr, 0, `CPU ${cpu.id}: allocation failed`);
          // Zeroed in a far unit, then written in this CPU's own unit, as a counter update would.
          if (i32[percpu.perCpuPtr(ptr, NR_CPUS - 1 - cpu.id) >> 2] !== 0) dirty++;
          i32[percpu.thisCpuPtr(cpu, ptr) >> 2] = cpu.id + 1;
          return 0;
        }
        percpu.freePercpu(cpu, ptr);
        ptr = 0;
        cpu.spend(20_000);
        return 1;
      },
      finish() {
        if (ptr !== 0) percpu.freePercpu(cpu, ptr);
      },
    };
  });
  const r = runVirtual({ kernel, cpus, programs, opsPerCpu: 4, warmupOps: 1 });
  assert.equal(r.totalOps, 4 * NR_CPUS);
  assert.equal(dirty, 0, 'every allocation is zeroed in every unit');
  const stats = percpu.stats();
  assert.equal(stats.nrPossible, NR_CPUS);
  assert.equal(stats.nrCurAlloc, 0);
  percpu.verify();
  const mutex = statOf(r.locks, 'pcpu_alloc_mutex');
  assert.equal(mutex.acquisitions, 4 * NR_CPUS);
  assert.ok(mutex.contentions > 0 && mutex.conBounces > 0, '1024 CPUs allocating at once must queue on the mutex');
});
