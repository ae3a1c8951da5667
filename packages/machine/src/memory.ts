// Kernel memory: the one SharedArrayBuffer every emulated CPU attaches to,
// seen through typed views. All model state lives here; addresses are byte
// offsets, 0 is NULL (the header occupies it, so no object is ever at 0).
export class KernelMemory {
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly f64: Float64Array;
  readonly u8: Uint8Array;
  readonly size: number;

  constructor(readonly sab: SharedArrayBuffer) {
    this.size = sab.byteLength;
    this.i32 = new Int32Array(sab);
    this.u32 = new Uint32Array(sab);
    this.f64 = new Float64Array(sab);
    this.u8 = new Uint8Array(sab);
  }

  /**
   * Zero a byte range (memset). TypedArray.fill on a SharedArrayBuffer is
   * slow in V8 (~200 ns for 32 bytes, ~5 us a page), so short runs are
   * zeroed word by word and long ones copied from a zero page.
   */
  zero(addr: number, bytes: number): void {
    const end = addr + bytes;
    let p = addr;
    while (p < end && (p & 3) !== 0) this.u8[p++] = 0;
    const wordsEnd = end & ~3;
    if (wordsEnd - p >= ZERO_COPY_MIN) {
      for (; p + ZERO_PAGE.length <= wordsEnd; p += ZERO_PAGE.length) this.u8.set(ZERO_PAGE, p);
      if (p < wordsEnd) this.u8.set(ZERO_PAGE.subarray(0, wordsEnd - p), p);
      p = wordsEnd;
    } else {
      for (let w = p >> 2, we = wordsEnd >> 2; w < we; w++) this.i32[w] = 0;
      p = Math.max(p, wordsEnd);
    }
    while (p < end) this.u8[p++] = 0;
  }
}

const ZERO_PAGE = new Uint8Array(4096);
/** Below this many bytes a word loop beats a copy from the zero page. */
const ZERO_COPY_MIN = 512;

export const NULL = 0;
