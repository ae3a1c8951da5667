// The side-by-side tables of `percpu-lab kernel` from a fixed record: one
// per process count, real beside lab, speedups over each side's own one-
// process point, the percpu share, lock waits of the lab's classes from
// both sides (real only with --perf), classes below 0.001 % counted; a VM
// says so; every line fits 120 columns.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kernelReportLines, sideBySideLines } from '../src/kernel/report.js';
import { fixedKernelReport } from './fixtures/kernel-report.js';

test('one table per process count, real beside lab', () => {
  assert.deepEqual(sideBySideLines(fixedKernelReport()), [
    '',
    '1 process:',
    '                                  real (VM)     lab',
    '  execs/s                             1.00k   1.00k',
    '  µs per exec per process            1000.0  1000.0',
    '  speedup over 1 process              1.00x   1.00x',
    '  percpu path, share of CPU time  no --perf  0.050%',
    '',
    '2 processes:',
    '                                       real (VM)     lab',
    '  execs/s                                  1.10k   1.99k',
    '  µs per exec per process                 1833.3  1005.0',
    '  speedup over 1 process                   1.10x   1.99x',
    '  percpu path, share of CPU time          0.250%  0.050%',
    '    wait lruvec->lru_lock                 0.001%  0.002%',
    '    1 more lock class waited < 0.001%',
    '',
    'speedup, real vs lab: 2 processes 1.10x vs 1.99x',
  ]);
});

test('the whole text says the host is a VM, gives the perf tables and fits 120 columns', () => {
  const lines = kernelReportLines(fixedKernelReport());
  const text = lines.join('\n');
  assert.match(text, /VIRTUALIZED: this host is a virtual machine \(the cpu flag hypervisor is set; paravirt symbols: 232 pvm_\*\)/);
  assert.match(text, /hypervisor\s+costs/);
  assert.match(text, /priced exec cycle 76\.0 µs \+ work phase 924\.0 µs = the measured 1000\.0 µs/);
  assert.match(text, /\n {2}exit_mmap\s+16\.00%\n/);
  assert.match(text, /\n +4 +20\.00 us +8\.00 us +5\.00 us {2}spinlock {2}folio_lruvec_lock_irqsave {2}lruvec->lru_lock\n/);
  assert.match(text, /\/proc\/lock_stat: absent/);
  assert.deepEqual(lines.filter((l) => l.length > 120), []);
});
