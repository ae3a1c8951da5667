// `percpu-lab run ... --json` as scripts and CI call it: stdout is the result
// JSON with the fields the issue fixes (per point cpus, strategy, engine,
// lifetimes, throughput and locks.<class> with lock_stat's six numbers;
// top level schema version, engine, host, Node, scenario, seed, tool
// version, oversubscribed), and the output directory holds the JSON, both
// CSVs and the text report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percpuLab } from './fixtures/run-helpers.js';

test('run --json prints the result schema and writes JSON, CSV and report files', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'percpu-lab-run-')), 'out');
  const r = percpuLab(['run', '--workload', 'doexec', '--strategy', 'baseline,slab-dtor', '--cpus', '1,2', '--ops', '400',
    '--warmup', '100', '--work-ns', '1000', '--engine', 'threads', '--seed', '1', '--out', out, '--json'], 120_000);
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout);
  assert.equal(res.schema, 'percpu-lab/result');
  assert.equal(res.schemaVersion, 2);
  assert.equal(res.engine, 'threads');
  assert.equal(res.seed, 1);
  assert.equal(typeof res.tool.version, 'string');
  assert.equal(res.host.node, process.version);
  assert.equal(typeof res.host.cores, 'number');
  assert.equal(typeof res.oversubscribed, 'boolean');
  assert.equal(res.partial, false);
  assert.equal(res.scenario.workload, 'doexec');
  assert.equal(res.points.length, 4);
  for (const p of res.points) {
    assert.ok([1, 2].includes(p.cpus));
    assert.ok(['baseline', 'slab-dtor'].includes(p.strategy));
    assert.equal(p.engine, 'threads');
    assert.deepEqual(p.machine, { cpus: 2, sockets: 1, threadsPerCore: 1 }, 'both points run on the machine of the largest --cpus');
    assert.equal(p.lifetimes, 400 * p.cpus);
    assert.ok(p.throughput > 0);
    const mutex = p.locks.pcpu_alloc_mutex;
    if (p.strategy === 'baseline') assert.ok(mutex, 'the baseline takes pcpu_alloc_mutex');
    for (const l of Object.values(p.locks) as Record<string, number>[]) {
      for (const k of ['acquisitions', 'contentions', 'waitTotalNs', 'holdTotalNs', 'conBounces', 'acqBounces']) {
        assert.equal(typeof l[k], 'number', `${p.strategy}/${p.cpus}: ${k}`);
      }
    }
  }
  const baseline2 = res.points.find((p: { strategy: string; cpus: number }) => p.strategy === 'baseline' && p.cpus === 2);
  assert.ok(baseline2.speedup > 0 && baseline2.efficiency === baseline2.speedup / 2);
  for (const f of ['result.json', 'points.csv', 'locks.csv', 'summary.csv', 'report.txt']) assert.ok(existsSync(join(out, f)), f);
  assert.deepEqual(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')).points.length, 4);
  assert.match(readFileSync(join(out, 'points.csv'), 'utf8'), /^workload,engine,strategy,cpus,repeat,status,lifetimes,/);
  assert.match(readFileSync(join(out, 'summary.csv'), 'utf8'), /^workload,engine,strategy,cpus,repeats,throughput_median,throughput_ci_lo,throughput_ci_hi,/);
  assert.match(readFileSync(join(out, 'report.txt'), 'utf8'), /lock_stat version 0\.4/);
});
