import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PAGE_SIZE } from '@percpu-lab/machine';
import { BadMmOptions, getStrategy, listLength, MmStruct, type Arch } from '../src/index.js';
import { bootMm } from './helpers.js';

for (const arch of ['x86', 'generic'] as Arch[]) {
  test(`${arch}: every pgd gets the kernel half of swapper_pg_dir${arch === 'x86' ? ' and sits on pgd_list while the mm lives' : ', and there is no pgd_list'}`, () => {
    const m = bootMm({ nrCpus: 2, strategies: ['baseline'], mmOpts: { arch } });
    const cpu = m.cpus[0]!;
    const ops = m.ops.baseline!;
    const mem = m.kernel.mem;
    const head = m.kernel.symbol('pgd_list');
    const swapper = m.kernel.symbol('swapper_pg_dir');
    const mms = [ops.mmAlloc(cpu), ops.mmAlloc(cpu), ops.mmAlloc(cpu)];
    assert.equal(listLength(mem, head), arch === 'x86' ? 3 : 0);
    for (const mm of mms) {
      const pgd = MmStruct.pgd.get(mem, mm);
      assert.deepEqual(mem.u8.subarray(pgd + PAGE_SIZE / 2, pgd + PAGE_SIZE), mem.u8.subarray(swapper + PAGE_SIZE / 2, swapper + PAGE_SIZE));
      assert.ok(mem.u8.subarray(pgd, pgd + PAGE_SIZE / 2).every((b) => b === 0), 'user half starts empty');
    }
    for (const mm of mms) ops.mmdrop(cpu, mm);
    assert.equal(listLength(mem, head), 0);
  });
}

test('attaching with another arch than the one booted is refused', () => {
  const m = bootMm({ nrCpus: 1, strategies: ['baseline'], mmOpts: { arch: 'generic' } });
  assert.throws(() => getStrategy('baseline').attach(m.kernel, { arch: 'x86' }), BadMmOptions);
});
