#!/usr/bin/env node
// Runs every compiled test file of every package with node's test runner.
// Node 20's --test does not expand globs itself, so the files are listed here.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const files = [];
for (const pkg of readdirSync('packages')) {
  const testDir = join('packages', pkg, 'dist', 'test');
  if (existsSync(testDir)) find(testDir, files);
}
files.sort();
if (files.length === 0) {
  console.error('no compiled test files found: run `tsc -b` first');
  process.exit(1);
}
const only = process.argv.slice(2);
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...selected], { stdio: 'inherit' });
process.exit(r.status ?? 1);
