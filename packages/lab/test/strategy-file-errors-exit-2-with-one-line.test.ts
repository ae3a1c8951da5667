// Every way a strategy file given by path can be wrong — not found, no
// default export, not made by defineMmStrategy, a missing recipe field, a
// built-in's name, TypeScript, a file outside the checkout, a syntax error —
// through the real CLI (run on both engines, and sweep): exit 2, one line on
// stderr naming the file and what is wrong, nothing on stdout.
import { test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertOneLineUsageErrors } from './fixtures/run-helpers.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/strategies/${name}`, import.meta.url));
const outside = mkdtempSync(join(tmpdir(), 'percpu-lab-strategy-file-'));
const tsFile = join(outside, 'my-remedy.ts');
writeFileSync(tsFile, 'export default {};\n');
const outsideJs = join(outside, 'my-remedy.js');
writeFileSync(outsideJs, "import { defineMmStrategy } from '@percpu-lab/mm';\nexport default defineMmStrategy;\n");

const run = (strategy: string, engine = 'virtual') => ['run', '--engine', engine, '--strategy', `baseline,${strategy}`, '--cpus', '1', '--ops', '10'];

const CASES: [string[], RegExp][] = [
  [run('./no/such-remedy.js'), /strategy file no\/such-remedy\.js: not found$/],
  [run('./no/such-remedy.js', 'threads'), /strategy file no\/such-remedy\.js: not found$/],
  [run(fixture('no-default-export.js')), /no-default-export\.js: no default export; end the file with `export default defineMmStrategy/],
  [run(fixture('bare-recipe.js')), /bare-recipe\.js: the default export is not a strategy; export `defineMmStrategy\(\{ \.\.\. \}\)`/],
  [run(fixture('missing-state.js')), /missing-state\.js: strategy recipe stateless: missing field 'state'; expected a function \(parts\) => MmPercpuState/],
  [run(fixture('clash-baseline.js')), /clash-baseline\.js: strategy name "baseline" clashes with the built-in strategy of that name; rename it/],
  [run(fixture('syntax-error.js')), /syntax-error\.js: failed to load: SyntaxError: /],
  [run(tsFile), /my-remedy\.ts: is TypeScript, and Node 20 loads only JavaScript; compile it with `pnpm exec tsc .*` and pass the \.js/],
  [run(outsideJs), /my-remedy\.js: cannot import @percpu-lab\/mm; keep strategy files inside the percpu-lab checkout/],
  [['sweep', '--engine', 'virtual', '--strategy', 'baseline,./no/such-remedy.js', '--cpus', '1', '--out', join(outside, 'sweep')], /strategy file no\/such-remedy\.js: not found$/],
];

test(`${CASES.length} bad strategy files each exit 2 with one line naming the file`, async () => {
  await assertOneLineUsageErrors(CASES, /^percpu-lab (run|sweep): strategy file /);
});
