// Geometry input: the kernel's boot line (embedded and page first chunk
// forms), a dmesg with nr_cpu_ids or the pcpu-alloc unit map, and the
// checks pcpu_setup_first_chunk makes, as named errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPcpuBootLine, parsePcpuBootLine, validateGeometry } from '../src/geometry.js';
import { geometryFromDmesg } from '../src/replay/dmesg.js';
import { PcpuGeometryError } from '../src/errors.js';
import { ReplayInputError } from '../src/replay/errors.js';

test('boot lines parse into geometry and format back', () => {
  const line = '[    0.088997] percpu: Embedded 66 pages/cpu s233472 r8192 d28672 u1048576';
  const g = parsePcpuBootLine(line);
  assert.deepEqual(g, { staticSize: 233472, reservedSize: 8192, dynSize: 28672, unitSize: 1048576 });
  assert.equal(formatPcpuBootLine(g), 'percpu: Embedded 66 pages/cpu s233472 r8192 d28672 u1048576');
  assert.deepEqual(parsePcpuBootLine('percpu: Embedded 64 pages/cpu s225280 r8192 d28672 u262144').unitSize, 262144);
  assert.deepEqual(parsePcpuBootLine('percpu: 66 4K pages/cpu s233472 r8192 d28672'), { staticSize: 233472, reservedSize: 8192, dynSize: 28672, unitSize: 270336 });
  assert.throws(() => parsePcpuBootLine('percpu: hello'), PcpuGeometryError);
});

test('a dmesg gives the possible CPUs too', () => {
  const base = '[    0.088997] percpu: Embedded 66 pages/cpu s233472 r8192 d28672 u1048576\n';
  assert.equal(geometryFromDmesg('[ 0.08] setup_percpu: NR_CPUS:8192 nr_cpumask_bits:4 nr_cpu_ids:4 nr_node_ids:1\n' + base).nrPossible, 4);
  assert.equal(geometryFromDmesg(base + '[ 0.08] pcpu-alloc: [0] 0 1 2 3 [0] 4 5 - - \n').nrPossible, 6);
  assert.equal(geometryFromDmesg(base).nrPossible, undefined);
  assert.throws(() => geometryFromDmesg('nothing here'), ReplayInputError);
});

test('impossible geometries are refused with what is wrong', () => {
  const ok = { unitSize: 65536, staticSize: 8192, reservedSize: 0, dynSize: 16384 };
  validateGeometry(ok);
  const bad: [Partial<typeof ok>, RegExp][] = [
    [{ unitSize: 65537 }, /multiple of 4096/],
    [{ unitSize: 16384, staticSize: 0, dynSize: 8192 }, /at least 32768/],
    [{ staticSize: 60000 }, /exceed the unit size/],
    [{ reservedSize: 6 }, /multiple of 4/],
    [{ dynSize: 0 }, /dynamic area is empty/],
  ];
  for (const [patch, msg] of bad) assert.throws(() => validateGeometry({ ...ok, ...patch }), (e: Error) => e instanceof PcpuGeometryError && msg.test(e.message));
});
