// One doexec cycle takes the shared locks the 6.12 code takes, as many times
// as it takes them, counted from the code (mm/src/exec/image.ts for the
// binaries' VMAs):
//  static glibc binary, its own copy per process:
//   - lruvec->lru_lock 2: exit_mmap's lru_add_drain moves the cycle's 14
//     anonymous folios to the LRU in one section; folios_put_refs frees them
//     in one more (the gather's 172 entries end in one 31-entry chunk that
//     holds every anonymous folio: they sit at the top of the address space
//     after the 157 file pages of the binary's first three segments);
//   - memcg->mm_list.lock 2: lru_gen_add_mm in exec_mmap, lru_gen_del_mm;
//   - mapping->i_mmap_rwsem 6: four vma_link_file (the PT_LOADs), the RELRO
//     split, one unlink_file_vma batch of the five file VMAs at exit;
//   - pgd_lock 2, pcpu_alloc_mutex 2, pcpu_lock 4, percpu_counters_lock 2:
//     the mm path, unchanged;
//  dynamic glibc binary (ld.so, libc.so.6 and ld.so.cache shared):
//   - i_mmap_rwsem 33: the program 8 (total-size map, split, unmap, three
//     links, RELRO, the exit batch), ld.so 8 (the same), libc 15 (its four
//     VMAs' 13 sections, RELRO, the exit batch), ld.so.cache 2 (map, unmap);
//   - mm_list.lock 2; lru_lock: the drain, and each 31-entry gather chunk
//     that frees an anonymous folio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resetLockStats } from '@percpu-lab/machine';
import { acquisitionsByClass, bootExec, execCycle } from './helpers.js';

const N = 50;

function locksPerCycle(binary: 'static' | 'dynamic'): Record<string, number> {
  const m = bootExec('baseline', binary);
  const cpu = m.cpus[0]!;
  for (let i = 0; i < 3; i++) execCycle(cpu, m.ops.baseline!, m.execs[0]!);
  resetLockStats(m.kernel);
  for (let i = 0; i < N; i++) execCycle(cpu, m.ops.baseline!, m.execs[0]!);
  return Object.fromEntries(Object.entries(acquisitionsByClass(m.kernel)).map(([k, v]) => [k, v / N]));
}

test('a static exec cycle takes lru_lock 2, mm_list.lock 2 and i_mmap_rwsem 6 times, and the mm path its own locks', () => {
  const got = locksPerCycle('static');
  assert.equal(got['lruvec->lru_lock'], 2);
  assert.equal(got['memcg->mm_list.lock'], 2);
  assert.equal(got['mapping->i_mmap_rwsem'], 6);
  assert.equal(got.pgd_lock, 2);
  assert.equal(got.pcpu_alloc_mutex, 2);
  assert.equal(got.pcpu_lock, 4);
  assert.equal(got.percpu_counters_lock, 2);
});

test('a dynamic exec cycle takes i_mmap_rwsem 33 times over its four files and lru_lock once more per chunk of frees', () => {
  const got = locksPerCycle('dynamic');
  assert.equal(got['mapping->i_mmap_rwsem'], 33);
  assert.equal(got['memcg->mm_list.lock'], 2);
  assert.ok(got['lruvec->lru_lock']! >= 2, `lru_lock ${got['lruvec->lru_lock']} per cycle`);
  assert.equal(got.pgd_lock, 2);
});
