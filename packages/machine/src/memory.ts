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

  /** Zero a byte range (memset). */
  zero(addr: number, bytes: number): void {
    this.u8.fill(0, addr, addr + bytes);
  }
}

export const NULL = 0;
