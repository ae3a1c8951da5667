// Reading /proc/lock_stat (CONFIG_LOCK_STAT, kernel/locking/lockdep_proc.c,
// version 0.4): the class rows of the locks the lab models. A row is the
// class name (right-aligned, ending in ':'), con-bounces, contentions and
// four wait times, acq-bounces, acquisitions and four hold times, times in
// µs with two decimals. The kernel names classes after the lock expression
// (`&lruvec->lru_lock`, `pcpu_alloc_mutex`) and adds `-R`/`-W` for the two
// sides of an rwsem; the lab's class names are matched with the `&` and
// the side taken off. Contention-point lines under a row are skipped.

export interface LockStatClass {
  /** The kernel's class name as printed. */
  name: string;
  labClass: string;
  conBounces: number;
  contentions: number;
  waitMinUs: number;
  waitMaxUs: number;
  waitTotalUs: number;
  acqBounces: number;
  acquisitions: number;
  holdTotalUs: number;
}

const ROW = /^\s*(.+?):\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+[\d.]+\s+(\d+)\s+(\d+)\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s+[\d.]+\s*$/;

function classKey(name: string): string {
  return name.replace(/^&/, '').replace(/-[RW]$/, '');
}

export function lockStatRows(text: string, labClasses: readonly string[]): LockStatClass[] {
  const wanted = new Map(labClasses.map((c) => [classKey(c), c]));
  const out: LockStatClass[] = [];
  for (const line of text.split('\n')) {
    const m = ROW.exec(line);
    if (m === null) continue;
    const labClass = wanted.get(classKey(m[1]!.trim()));
    if (labClass === undefined) continue;
    out.push({
      name: m[1]!.trim(),
      labClass,
      conBounces: Number(m[2]),
      contentions: Number(m[3]),
      waitMinUs: Number(m[4]),
      waitMaxUs: Number(m[5]),
      waitTotalUs: Number(m[6]),
      acqBounces: Number(m[7]),
      acquisitions: Number(m[8]),
      holdTotalUs: Number(m[9]),
    });
  }
  return out;
}
