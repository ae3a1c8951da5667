// A reusable barrier in kernel memory for benchmark jobs that run several
// timed phases in one pool run: every CPU waits until all have arrived, so
// the locks being compared share each time window and its host noise.
// Two words: arrivals in this generation, and the generation number.
export class PhaseBarrier {
  constructor(
    private readonly i32: Int32Array,
    /** Int32Array index of the arrivals word; the generation word follows it. */
    private readonly idx: number,
    private readonly cpus: number,
  ) {}

  wait(): void {
    const gen = Atomics.load(this.i32, this.idx + 1);
    if (Atomics.add(this.i32, this.idx, 1) === this.cpus - 1) {
      Atomics.store(this.i32, this.idx, 0);
      Atomics.add(this.i32, this.idx + 1, 1);
      Atomics.notify(this.i32, this.idx + 1);
      return;
    }
    while (Atomics.load(this.i32, this.idx + 1) === gen) Atomics.wait(this.i32, this.idx + 1, gen, 50);
  }
}
