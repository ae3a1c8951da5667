// The machine facts of `percpu-lab kernel` come from sysfs, /proc/cpuinfo
// and /proc/kallsyms: possible and online CPUs, sockets, SMT, caches (sysfs
// when it has them, else cpuinfo's one figure, as on the project's VM), the
// hypervisor flag and paravirt symbols; and processes are pinned in the
// lab's CPU order (one thread of every core, socket by socket, then the
// siblings).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pinOrder, readHostMachine, type ReadText } from '../src/kernel/machine.js';

const CPU = '/sys/devices/system/cpu';

function files(map: Record<string, string>): ReadText {
  return (p) => map[p] ?? null;
}

test('a paravirtualized 2-CPU VM without a sysfs cache directory', () => {
  const m = readHostMachine(files({
    '/proc/cpuinfo': 'processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\ncache size\t: 1024 KB\nflags\t\t: fpu sse2 hypervisor lm\n',
    '/proc/sys/kernel/osrelease': '6.18.44\n',
    '/proc/kallsyms': 'ffffffff81000230 T pvm_error_entry\nffffffff81201930 t pvm_kick_masks_free\nffffffff81349010 T pgd_alloc\n',
    [`${CPU}/possible`]: '0-1\n', [`${CPU}/online`]: '0-1\n',
    [`${CPU}/cpu0/topology/physical_package_id`]: '0\n', [`${CPU}/cpu1/topology/physical_package_id`]: '0\n',
    [`${CPU}/cpu0/topology/thread_siblings_list`]: '0\n',
  }));
  assert.equal(m.possibleCpus, 2);
  assert.deepEqual(m.onlineCpus, [0, 1]);
  assert.equal(m.sockets, 1);
  assert.equal(m.threadsPerCore, 1);
  assert.deepEqual(m.l2, { level: 2, bytes: 1024 * 1024, sharedBy: 1, source: '/proc/cpuinfo cache size' });
  assert.equal(m.llc, null);
  assert.deepEqual(m.hypervisor, { cpuFlag: true, type: null, paravirtSymbols: { 'pvm_*': 2 } });
  assert.equal(m.virtualized, true);
  assert.equal(m.kernel, '6.18.44');
});

test('a 2-socket SMT machine: caches from sysfs, pinning in the lab order', () => {
  const map: Record<string, string> = {
    '/proc/cpuinfo': 'model name\t: Xeon\nflags\t\t: fpu sse2 lm\n',
    [`${CPU}/possible`]: '0-7\n', [`${CPU}/online`]: '0-7\n',
  };
  // CPUs 0-3 are one thread of cores 0-3 (0,1 on socket 0; 2,3 on socket 1); 4-7 their siblings.
  for (let c = 0; c < 8; c++) {
    map[`${CPU}/cpu${c}/topology/physical_package_id`] = String((c % 4) >> 1);
    map[`${CPU}/cpu${c}/topology/thread_siblings_list`] = `${c % 4},${(c % 4) + 4}`;
  }
  const idx = `${CPU}/cpu0/cache/index`;
  Object.assign(map, {
    [`${idx}0/level`]: '1', [`${idx}0/type`]: 'Data', [`${idx}0/size`]: '48K', [`${idx}0/shared_cpu_list`]: '0,4',
    [`${idx}1/level`]: '2', [`${idx}1/type`]: 'Unified', [`${idx}1/size`]: '2048K', [`${idx}1/shared_cpu_list`]: '0,4',
    [`${idx}2/level`]: '3', [`${idx}2/type`]: 'Unified', [`${idx}2/size`]: '32768K', [`${idx}2/shared_cpu_list`]: '0-1,4-5',
  });
  const m = readHostMachine(files(map));
  assert.equal(m.sockets, 2);
  assert.equal(m.threadsPerCore, 2);
  assert.equal(m.l2?.bytes, 2 * 1024 * 1024);
  assert.deepEqual([m.llc?.level, m.llc?.bytes, m.llc?.sharedBy], [3, 32 * 1024 * 1024, 4]);
  assert.equal(m.virtualized, false);
  // Shuffle the online order: pinning must still follow thread, socket, CPU.
  assert.deepEqual(pinOrder({ ...m, onlineCpus: [7, 6, 5, 4, 3, 2, 1, 0] }, files(map)), [0, 1, 2, 3, 4, 5, 6, 7]);
});
