// The latency summary walks a histogram's counts once for its mean and every
// percentile (a 192-CPU point summarises 384 histograms); it gives exactly
// what hdr-histogram-js's own mean and getValueAtPercentile give, on
// histograms of every shape: one value, a few, wide and narrow ranges,
// bucket edges, a long tail, and after the round trip through the
// compressed form the workers send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { decode, summarize } from '../src/metrics/latency.js';

function library(h: Histogram) {
  return {
    count: h.totalCount,
    meanNs: Math.round(h.mean),
    p50Ns: h.getValueAtPercentile(50),
    p90Ns: h.getValueAtPercentile(90),
    p99Ns: h.getValueAtPercentile(99),
    p999Ns: h.getValueAtPercentile(99.9),
    maxNs: h.maxValue,
  };
}

function rng(seed: number): () => number {
  let x = seed;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

test('one walk gives the library\'s mean and percentiles', () => {
  const shapes: ((r: () => number, i: number) => number)[] = [
    () => 4242,
    (r) => 1 + Math.floor(r() * 3),
    (r) => 100_000 + Math.floor(r() * 50_000),
    (r) => Math.floor(Math.exp(r() * 20)),
    (_r, i) => 2048 * 2 ** (i % 12) - (i % 3),
    (r) => (r() < 0.999 ? 500 + Math.floor(r() * 10) : 5_000_000_000),
  ];
  for (const [s, shape] of shapes.entries()) {
    for (const n of [1, 2, 7, 1000, 25_000]) {
      const r = rng(s * 1000 + n);
      const h = build({ numberOfSignificantValueDigits: 3, useWebAssembly: false });
      for (let i = 0; i < n; i++) h.recordValue(Math.max(1, shape(r, i)));
      assert.deepEqual(summarize(h), library(h), `shape ${s}, ${n} values`);
      const back = decode(encodeIntoCompressedBase64(h));
      assert.deepEqual(summarize(back), library(back), `shape ${s}, ${n} values, decoded`);
    }
  }
  assert.deepEqual(summarize(build({ useWebAssembly: false })), { count: 0, meanNs: 0, p50Ns: 0, p90Ns: 0, p99Ns: 0, p999Ns: 0, maxNs: 0 });
});
