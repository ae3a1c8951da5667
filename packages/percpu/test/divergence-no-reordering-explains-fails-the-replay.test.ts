// What no order explains stays a divergence, and the replay command still
// exits 1: an allocation placed where the model never would, and a pair of
// allocations whose placements would need one task's own events swapped
// (a task's events are sequential, so the search never does that).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatPcpuBootLine } from '../src/geometry.js';
import { replayCommand } from '../src/replay/cli.js';
import type { ReplayReport } from '../src/replay/report.js';
import { GEOMETRY, loggedLate, type Op } from './fixtures/logged-late.js';

async function replayJson(text: string): Promise<{ code: number; report: ReplayReport }> {
  const dir = mkdtempSync(join(tmpdir(), 'pcpu-unexplained-'));
  const path = join(dir, 'trace.txt');
  writeFileSync(path, text);
  const out: string[] = [];
  const log = console.log;
  console.log = (s: string) => out.push(s);
  try {
    const code = await replayCommand([path, '--geometry', formatPcpuBootLine(GEOMETRY), '--cpus', String(GEOMETRY.nrPossible), '--json']);
    return { code, report: JSON.parse(out.join('\n')) };
  } finally {
    console.log = log;
  }
}

test('an allocation at an offset no order gives is reported and fails the replay', async () => {
  const { text, lineOf } = loggedLate(
    [
      { cpu: 0, alloc: 'a', size: 16, align: 8 },
      { cpu: 1, alloc: 'b', size: 16, align: 8 },
    ],
    [0, 1],
  );
  // Move b one page up: nothing in this trace could have put it there.
  const forged = text.replace(/(task-101 .* off=)(\d+)/, (_, head: string, off: string) => `${head}${Number(off) + 4096}`);
  const { code, report } = await replayJson(forged);
  assert.equal(code, 1);
  assert.equal(report.divergences, 1);
  assert.deepEqual(report.order!.unexplained.map((d) => d.line), [lineOf[1]]);
  assert.equal(report.order!.unexplained[0]!.cause, 'block');
  assert.equal(report.order!.moved, 0);
});

test("placements that only a swap of one task's own events would explain fail the replay", async () => {
  const ops: Op[] = [
    { cpu: 2, alloc: 'x', size: 16, align: 8 },
    { cpu: 1, alloc: 'a', size: 16, align: 8 },
    { cpu: 1, alloc: 'b', size: 16, align: 8 },
    { cpu: 2, free: 'x' },
  ];
  // As the swapped-pair test, but a and b are both CPU 1's task's: b's line cannot come first for real.
  const { text, lineOf } = loggedLate(ops, [0, 2, 3, 1]);
  const { code, report } = await replayJson(text);
  assert.equal(code, 1);
  assert.equal(report.order!.perTaskOrderKept, true);
  assert.equal(report.order!.unexplained[0]!.line, lineOf[2]);
});
