// No package's source imports itself in a circle: within packages/*/src,
// following every import (type-only imports too, since a circle of types
// is still a knot a reader has to untie) never leads back to where it
// started. Across packages the layering (machine ← percpu ← slab ← mm ←
// lab ← bench) already forbids it, so each package's src is checked alone.
//
// madge builds the graph and finds the circles. So that a blind graph
// cannot pass, every source file must be in it and every relative import
// must resolve, and madge must find the circle in a fixture made of two
// files that import each other's types.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import madge from 'madge';

/** Compiled tests live in dist/test/; the workspace root is four levels up. */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const CIRCLE_FIXTURE = fileURLToPath(new URL('../../test/fixtures/import-circle', import.meta.url));

interface Graph {
  files: string[];
  circles: string[][];
  unresolved: string[];
}

async function importGraph(dir: string, tsConfig: string): Promise<Graph> {
  const m = await madge(dir, {
    fileExtensions: ['ts'],
    tsConfig,
    // Other packages are reached through their built declarations (dist/): not this package's source.
    excludeRegExp: [/[\\/]dist[\\/]/, /node_modules/],
    detectiveOptions: { ts: { skipTypeImports: false } },
  });
  return {
    files: Object.keys(m.obj()).sort(),
    circles: m.circular(),
    // madge lists an import it could not resolve to a file as skipped; a bare package name is not ours to follow.
    unresolved: m.warnings().skipped.filter((s) => s.startsWith('.')),
  };
}

function tsFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name), base) : e.name.endsWith('.ts') ? [relative(base, join(dir, e.name))] : []))
    .sort();
}

const PACKAGES = readdirSync(join(ROOT, 'packages')).sort();

test('every package has sources to check', () => {
  for (const p of ['machine', 'percpu', 'slab', 'mm', 'lab', 'bench']) assert.ok(PACKAGES.includes(p), `packages/${p} is missing`);
});

for (const pkg of PACKAGES) {
  test(`packages/${pkg}/src imports nothing in a circle`, async () => {
    const src = join(ROOT, 'packages', pkg, 'src');
    const g = await importGraph(src, join(ROOT, 'packages', pkg, 'tsconfig.json'));
    assert.deepEqual(g.files, tsFiles(src), 'every source file is in the import graph');
    assert.deepEqual(g.unresolved, [], 'every relative import resolves to a source file');
    assert.deepEqual(g.circles, [], `import circles in packages/${pkg}/src:\n${g.circles.map((c) => `  ${[...c, c[0]].join(' → ')}`).join('\n')}`);
  });
}

test('a circle of type-only imports is found', async () => {
  const g = await importGraph(CIRCLE_FIXTURE, join(ROOT, 'packages', 'lab', 'tsconfig.json'));
  assert.deepEqual(g.files, ['a.ts', 'b.ts']);
  assert.deepEqual(g.circles, [['a.ts', 'b.ts']]);
});
