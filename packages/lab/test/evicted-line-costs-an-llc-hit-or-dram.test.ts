// Capacity eviction by stack distance (engine/virtual/context.ts): a line
// whose holder has streamed more than its share of the private cache since
// it last touched the line is no longer a hit — it is an LLC hit, or, beyond
// the holder's share of the LLC, a DRAM read; for another CPU of the socket
// it is an LLC hit rather than a transfer from the holder's cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProfile } from '../src/cost-model/index.js';
import { VirtualContext } from '../src/engine/virtual/context.js';

const profile = loadProfile('kernel');
const LINE = 64;
const machine = { machineCpus: 4, sockets: 1, threadsPerCore: 1 };

test('a line untouched while its holder streamed past the private cache costs an LLC hit, past the LLC share DRAM', () => {
  const ctx = new VirtualContext(profile, 1 << 20, machine, 1);
  const llc = profile.llcBytesPerCore * 4; // one busy CPU has the socket's whole LLC
  assert.equal(ctx.takeLines(0, 0, LINE, 4), profile.dramLocalNs, 'first touch: DRAM');
  assert.equal(ctx.takeLines(0, 0, LINE, 4), 0, 'retouched at once: a hit');
  ctx.stream(0, profile.privateCacheBytes - LINE);
  assert.equal(ctx.takeLines(0, 0, LINE, 4), 0, 'streamed less than the private cache: still a hit');
  ctx.stream(0, profile.privateCacheBytes + LINE);
  assert.equal(ctx.takeLines(0, 0, LINE, 4), profile.llcHitNs, 'streamed past the private cache: LLC hit');
  ctx.stream(0, llc + LINE);
  assert.equal(ctx.takeLines(0, 0, LINE, 4), profile.dramLocalNs, 'streamed past the LLC: DRAM');
});

test('another CPU takes an evicted line from the LLC, not from the holder', () => {
  const ctx = new VirtualContext(profile, 1 << 20, machine, 2);
  ctx.takeLines(0, 0, LINE, 4);
  assert.equal(ctx.takeLines(1, 0, LINE, 4), profile.lineTransferSameSocketNs, 'held: a transfer');
  ctx.stream(0, profile.privateCacheBytes + LINE);
  assert.equal(ctx.takeLines(0, 0, LINE, 4), profile.lineTransferSameSocketNs, "the taker's own streaming does not evict the holder's line");
  ctx.stream(0, profile.privateCacheBytes + LINE);
  assert.equal(ctx.takeLines(1, 0, LINE, 4), profile.llcHitNs, 'evicted by its holder: an LLC hit');
});

test('a lock word its own CPU evicted is reloaded; a bounced or fresh one is left to the lock', () => {
  const ctx = new VirtualContext(profile, 1 << 20, machine, 1);
  assert.equal(ctx.lockLine(0, 4 * LINE, true), 0, 'a word nobody touched yet was just initialised');
  assert.equal(ctx.lockLine(0, 4 * LINE, true), 0, 'still cached');
  ctx.stream(0, profile.privateCacheBytes + LINE);
  assert.equal(ctx.lockLine(0, 4 * LINE, true), profile.llcHitNs);
  ctx.stream(0, profile.privateCacheBytes + LINE);
  assert.equal(ctx.lockLine(0, 4 * LINE, false), 0, 'bounced: the lock prices the transfer');
});
