import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KernelMemory } from '../src/memory.js';

test('zero() clears exactly [addr, addr+bytes) for every alignment and length', () => {
  const mem = new KernelMemory(new SharedArrayBuffer(4 * 4096));
  for (const addr of [0, 1, 2, 3, 4, 5, 63, 4095]) {
    for (const bytes of [0, 1, 3, 4, 7, 31, 32, 511, 512, 513, 4096, 4097, 9000]) {
      mem.u8.fill(0xa5);
      mem.zero(addr, bytes);
      for (let i = 0; i < mem.size; i++) {
        const inside = i >= addr && i < addr + bytes;
        if (mem.u8[i] !== (inside ? 0 : 0xa5)) assert.fail(`addr ${addr} bytes ${bytes}: byte ${i} is ${mem.u8[i]}`);
      }
    }
  }
});
