// Lines every exec'ing CPU writes with atomics, whoever runs on it: no lock
// is taken, but each write pulls the line from the CPU that wrote it last
// (Cpu.touchShared prices that on the virtual engine; real threads contend
// for real).
//   binfmt_lock (rwlock_t, fs/exec.c): search_binary_handler's read_lock /
//     read_unlock pairs add to and subtract from its reader count;
//   init_user_ns.ns.count: get_user_ns in prepare_creds and put in the old
//     credentials' put_cred_rcu (mm_init's get and __mmdrop's put are the mm
//     path's, not modelled here);
//   the uid's user_struct, its ucounts and the session's group_info
//     refcounts: prepare_creds gets, put_cred_rcu puts;
//   the vDSO's struct page: every process maps the same kernel page, a
//     reference and a mapping at the fault, both dropped at the zap.
import { CACHE_LINE, struct, type Cpu, type Kernel } from '@percpu-lab/machine';

export const ExecShared = struct('exec_shared_lines', {
  binfmtLock: { bytes: CACHE_LINE, align: CACHE_LINE },
  initUserNs: { bytes: CACHE_LINE, align: CACHE_LINE },
  userStruct: { bytes: CACHE_LINE, align: CACHE_LINE },
  ucounts: { bytes: CACHE_LINE, align: CACHE_LINE },
  groupInfo: { bytes: CACHE_LINE, align: CACHE_LINE },
  vdsoPage: { bytes: CACHE_LINE, align: CACHE_LINE },
});

/** search_binary_handler: read_lock/read_unlock pairs on binfmt_lock for binfmt_misc, script and elf, and the final unlock. */
const BINFMT_LOCK_PAIRS = 4;

/** Boot: the shared lines (once per kernel). */
export function sharedLinesBoot(kernel: Kernel): void {
  if (!kernel.hasSymbol('exec_shared')) kernel.defineSymbol('exec_shared', kernel.memblockAlloc(ExecShared.size, CACHE_LINE));
}

/** The shared lines as one CPU writes them. */
export class SharedLines {
  private readonly i32: Int32Array;
  private readonly base: number;

  constructor(kernel: Kernel, private readonly cpu: Cpu) {
    this.i32 = kernel.mem.i32;
    this.base = kernel.symbol('exec_shared');
  }

  /** The vDSO page a PTE maps. */
  get vdsoPage(): number {
    return ExecShared.vdsoPage.addr(this.base);
  }

  /** search_binary_handler's walk of the formats under binfmt_lock, taken for read. */
  binfmtWalk(): void {
    for (let i = 0; i < BINFMT_LOCK_PAIRS; i++) {
      this.add(ExecShared.binfmtLock.addr(this.base), 1);
      this.add(ExecShared.binfmtLock.addr(this.base), -1);
    }
  }

  /** prepare_creds (+1) or the old credentials' put_cred_rcu (−1): the namespace's, the uid's and the session's refcounts. */
  creds(delta: 1 | -1): void {
    const b = this.base;
    for (const line of [ExecShared.initUserNs.addr(b), ExecShared.userStruct.addr(b), ExecShared.ucounts.addr(b), ExecShared.groupInfo.addr(b)]) this.add(line, delta);
  }

  /** vdso_fault (+1) or the zap (−1): the vDSO page's reference and mapping. */
  vdso(delta: 1 | -1): void {
    this.add(this.vdsoPage, delta);
    this.add(this.vdsoPage, delta);
  }

  /** One atomic add on a line every CPU writes. */
  private add(line: number, delta: number): void {
    Atomics.add(this.i32, line >> 2, delta);
    this.cpu.cost('atomic', 1);
    this.cpu.touchShared(line, 4);
  }
}
