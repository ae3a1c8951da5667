// The parser skips what a capture legitimately holds (headers, stack traces,
// markers) and counts everything else it cannot use, with line numbers:
// unknown events, percpu events missing a field or with a bad number,
// lines that are not ftrace events. --strict makes the first one fatal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { parseTrace, traceText, TraceLineError } from '../src/replay/parse.js';

const GOOD = '          init-1       [001] .....     2.324716: percpu_alloc_percpu: call_site=alloc_vfsmnt+0x9e/0x1c0 reserved=0 is_atomic=0 size=8 align=4 base_addr=ff1100003ea3b000 off=19896 ptr=000000000003fdb8 bytes_alloc=32 gfp_flags=GFP_KERNEL';
const TRACE = [
  '# tracer: nop',
  '# entries-in-buffer/entries-written: 6524/6524   #P:2',
  GOOD,
  '          init-1       [001] .....     2.324720: <stack trace>',
  ' => pcpu_alloc_noprof',
  '            init-1       [000] .....     3.887218: tracing_mark_write: PHASE fork-exec-churn BEGIN n=200 x2',
  '          init-1       [001] .....     2.4: sched_switch: prev_comm=init prev_pid=1',
  '          init-1       [001] d..1.     2.5: percpu_free_percpu: base_addr=ff1100003ea3b000 ptr=000000000003fdb8',
  '          init-1       [001] d..1.     2.6: percpu_free_percpu: base_addr=ff1100003ea3b000 off=12x ptr=0',
  'garbage that is not a trace line',
  '',
  '     kworker/1:1-35      [001] .....     2.783797: percpu_create_chunk: base_addr=ffd1ffffffc00000',
  '          init-1       [000] .....     4.0: percpu_alloc_percpu: size=8 align=4 reserved=0 is_atomic=0 off=8 base_addr=zz',
].join('\n');

test('unknown and malformed lines are counted with their line numbers, the rest parsed', () => {
  const t = parseTrace(TRACE);
  assert.equal(t.headerCpus, 2);
  assert.equal(t.events.length, 2);
  assert.deepEqual(t.events.map((e) => e.kind), ['alloc', 'create']);
  const alloc = t.events[0]!;
  assert.ok(alloc.kind === 'alloc' && alloc.off === 19896 && alloc.size === 8 && alloc.base === 'ff1100003ea3b000' && alloc.cpu === 1 && alloc.line === 3);
  assert.deepEqual(t.markers, [{ line: 6, text: 'PHASE fork-exec-churn BEGIN n=200 x2' }]);
  assert.deepEqual(
    t.bad.map((b) => [b.line, b.kind]),
    [[7, 'unknown'], [8, 'malformed'], [9, 'malformed'], [10, 'malformed'], [13, 'malformed']],
  );
  assert.match(t.bad[1]!.reason, /without off=/);
  assert.match(t.bad[2]!.reason, /off=12x is not a number/);
  assert.match(t.bad[4]!.reason, /base_addr=zz is not a hex address/);
});

test('fields are read by name, in any order; gzip is detected by its magic bytes', () => {
  const reordered = '   bash-9 [003] ..... 7.5: percpu_alloc_percpu: off=64 base_addr=0xFFD1FFFFFFC00000 size=16 align=8 is_atomic=1 reserved=1';
  const t = parseTrace(traceText(gzipSync(Buffer.from(reordered + '\n'))));
  const e = t.events[0]!;
  assert.ok(e.kind === 'alloc' && e.off === 64 && e.base === 'ffd1ffffffc00000' && e.isAtomic && e.reserved && e.cpu === 3);
});

test('--strict stops at the first bad line', () => {
  assert.throws(() => parseTrace(TRACE, { strict: true }), (e: Error) => e instanceof TraceLineError && e.message.startsWith('line 7: unknown event sched_switch'));
});
