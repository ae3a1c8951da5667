// The yardstick for the Mutex: Ulrich Drepper's 3-state futex mutex
// ("Futexes Are Tricky", mutex take 2) on a word of kernel memory, with no
// spinning, no owner, no statistics. 0 free, 1 locked, 2 locked with waiters;
// unlock notifies only from state 2.
export class DrepperMutex {
  constructor(
    private readonly i32: Int32Array,
    private readonly idx: number,
  ) {}

  lock(): void {
    let c = Atomics.compareExchange(this.i32, this.idx, 0, 1);
    if (c === 0) return;
    if (c !== 2) c = Atomics.exchange(this.i32, this.idx, 2);
    while (c !== 0) {
      Atomics.wait(this.i32, this.idx, 2);
      c = Atomics.exchange(this.i32, this.idx, 2);
    }
  }

  unlock(): void {
    if (Atomics.sub(this.i32, this.idx, 1) !== 1) {
      Atomics.store(this.i32, this.idx, 0);
      Atomics.notify(this.i32, this.idx, 1);
    }
  }
}
