// Cost profiles are user-editable files: the built-in one loads with a source
// for every figure, and a broken one is refused with one line that names the
// field (or the file) at fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProfile, ProfileError } from '../src/cost-model/index.js';
import { roundProfileJson } from './fixtures/virtual-machine.js';

const dir = mkdtempSync(join(tmpdir(), 'virtual-profile-'));

function writeProfile(name: string, edit: (p: ReturnType<typeof roundProfileJson>) => void): string {
  const p = roundProfileJson();
  edit(p);
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(p));
  return path;
}

function refused(path: string, pattern: RegExp): void {
  assert.throws(() => loadProfile(path), (e: Error) => {
    assert.ok(e instanceof ProfileError, `expected a ProfileError, got ${e.name}`);
    assert.doesNotMatch(e.message, /\n/, 'one line');
    assert.match(e.message, pattern);
    return true;
  });
}

test('the kernel profile loads and every figure carries its source', () => {
  const p = loadProfile('kernel');
  assert.equal(p.name, 'kernel');
  for (const [k, src] of Object.entries(p.sources)) assert.ok(src.length > 40, `${k} needs a real derivation`);
  assert.ok(p.lineTransferCrossSocketNs > p.lineTransferSameSocketNs);
  assert.equal(p.lockDataLinesByClass['pcpu_alloc_mutex'], 0);
});

test('a profile file given by path loads', () => {
  assert.equal(loadProfile(writeProfile('ok', () => {})).name, 'round');
});

test('bad fields are named in one line', () => {
  const cases: [string, (p: ReturnType<typeof roundProfileJson>) => void, RegExp][] = [
    ['string-value', (p) => { (p.costs.atomicNs as { value: unknown }).value = '6'; }, /field costs\.atomicNs\.value: .*number/],
    ['negative', (p) => { p.costs.zeroByteNs!.value = -1; }, /field costs\.zeroByteNs\.value/],
    ['missing-entry', (p) => { delete p.costs.pagePopulateNs; }, /field costs\.pagePopulateNs/],
    ['typo-key', (p) => { p.costs.atomicNS = p.costs.atomicNs!; }, /field costs: .*atomicNS/],
    ['no-source', (p) => { (p.costs.mutexSleepWakeNs as { source?: string }).source = ''; }, /field costs\.mutexSleepWakeNs\.source/],
    ['wrong-format', (p) => { p.format = 'percpu-lab-cost-profile/9'; }, /field format/],
    ['bad-by-class', (p) => { (p.costs.lockDataLines as Record<string, unknown>).byClass = { pcpu_lock: 'four' }; }, /field costs\.lockDataLines\.byClass\.pcpu_lock/],
  ];
  for (const [name, edit, pattern] of cases) refused(writeProfile(name, edit), pattern);
});

test('unreadable files and unknown names say what to do', () => {
  const bad = join(dir, 'broken.json');
  writeFileSync(bad, '{ "format": ');
  refused(bad, /broken\.json is not valid JSON/);
  refused('no-such-profile', /use kernel, calibrated, or the path of a profile file/);
});
