// Bitmap primitives (include/linux/find.h, lib/bitmap.c) on 32-bit words of
// kernel memory. Bit n of a bitmap at byte address `base` is bit n&31 of the
// word at base + 4*(n>>5); the kernel's 64-bit words give the same bit
// positions, so every search returns what the kernel's would.
//
// Every word examined is counted, so the allocator can charge the virtual
// engine for bitmap scanning once per operation (takeWordsScanned) instead
// of per word; a search adds its count once, when it returns.

let wordsScanned = 0;

/** Words examined since the last call; resets the count. */
export function takeWordsScanned(): number {
  const n = wordsScanned;
  wordsScanned = 0;
  return n;
}

function ctz(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** find_next_bit: first set bit in [start, size), or size. */
export function findNextBit(u32: Uint32Array, base: number, size: number, start: number): number {
  if (start >= size) return size;
  const w0 = base >> 2;
  const first = w0 + (start >>> 5);
  const last = w0 + ((size - 1) >>> 5);
  let w = first;
  let word = u32[w]! & (-1 << (start & 31));
  while (word === 0 && w !== last) word = u32[++w]!;
  wordsScanned += w - first + 1;
  if (word === 0) return size;
  const bit = ((w - w0) << 5) + ctz(word);
  return bit < size ? bit : size;
}

/** find_next_zero_bit: first clear bit in [start, size), or size. */
export function findNextZeroBit(u32: Uint32Array, base: number, size: number, start: number): number {
  if (start >= size) return size;
  const w0 = base >> 2;
  const first = w0 + (start >>> 5);
  const last = w0 + ((size - 1) >>> 5);
  let w = first;
  let word = ~u32[w]! & (-1 << (start & 31));
  while (word === 0 && w !== last) word = ~u32[++w]!;
  wordsScanned += w - first + 1;
  if (word === 0) return size;
  const bit = ((w - w0) << 5) + ctz(word);
  return bit < size ? bit : size;
}

/** find_last_bit: last set bit in [0, size), or size when there is none. */
export function findLastBit(u32: Uint32Array, base: number, size: number): number {
  if (size <= 0) return size;
  const w0 = base >> 2;
  const top = (size - 1) >>> 5;
  let w = top;
  const topBit = (size - 1) & 31;
  let word = u32[w0 + w]! & (topBit === 31 ? -1 : (1 << (topBit + 1)) - 1);
  while (word === 0 && w !== 0) word = u32[w0 + --w]!;
  wordsScanned += top - w + 1;
  return word === 0 ? size : (w << 5) + 31 - Math.clz32(word);
}

export function testBit(u32: Uint32Array, base: number, n: number): boolean {
  return (u32[(base >> 2) + (n >>> 5)]! & (1 << (n & 31))) !== 0;
}

export function setBit(u32: Uint32Array, base: number, n: number): void {
  u32[(base >> 2) + (n >>> 5)]! |= 1 << (n & 31);
}

/** bitmap_set: set bits [start, start + n). */
export function bitmapSet(u32: Uint32Array, base: number, start: number, n: number): void {
  bitmapFill(u32, base, start, n, true);
}

/** bitmap_clear: clear bits [start, start + n). */
export function bitmapClear(u32: Uint32Array, base: number, start: number, n: number): void {
  bitmapFill(u32, base, start, n, false);
}

/** Set or clear bits [start, start + n): partial head and tail words masked, whole words written. */
function bitmapFill(u32: Uint32Array, base: number, start: number, n: number, set: boolean): void {
  if (n <= 0) return;
  const w0 = base >> 2;
  const end = start + n;
  let w = start >>> 5;
  const lastW = (end - 1) >>> 5;
  const headMask = -1 << (start & 31);
  const tailMask = ((end & 31) === 0 ? -1 : (1 << (end & 31)) - 1);
  if (w === lastW) {
    maskWord(u32, w0 + w, headMask & tailMask, set);
    return;
  }
  maskWord(u32, w0 + w, headMask, set);
  const fill = set ? 0xffffffff : 0;
  for (w++; w < lastW; w++) u32[w0 + w] = fill;
  maskWord(u32, w0 + lastW, tailMask, set);
}

function maskWord(u32: Uint32Array, i: number, mask: number, set: boolean): void {
  u32[i] = set ? u32[i]! | mask : u32[i]! & ~mask;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** bitmap_weight: number of set bits in [0, size). */
export function bitmapWeight(u32: Uint32Array, base: number, size: number): number {
  const w0 = base >> 2;
  let n = 0;
  const full = size >>> 5;
  for (let w = 0; w < full; w++) n += popcount(u32[w0 + w]!);
  if ((size & 31) !== 0) n += popcount(u32[w0 + full]! & ((1 << (size & 31)) - 1));
  return n;
}
