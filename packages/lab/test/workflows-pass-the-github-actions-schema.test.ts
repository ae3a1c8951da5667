// The shipped GitHub Actions files (.github/workflows/*.yml and the local
// composite action) pass action-validator, which checks them against the
// SchemaStore schemas GitHub's workflow syntax is published as. The same
// checker must reject a workflow with a misspelled key, so a silent checker
// cannot make this test pass. The checker's engine, @action-validator/core,
// is the CLI's peer dependency: pnpm installs it with the CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

/** Compiled tests live in dist/test/; the workspace root is four levels up. */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const GITHUB = join(ROOT, '.github');
const BAD = fileURLToPath(new URL('../../test/fixtures/workflow-with-misspelled-key.yml', import.meta.url));

function validatorCli(): string {
  const pkg = createRequire(import.meta.url).resolve('@action-validator/cli/package.json');
  const { bin } = JSON.parse(readFileSync(pkg, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(pkg), bin['action-validator']!);
}

/** The checker decides workflow or action from the file name, as GitHub does from its place. */
function validate(file: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [validatorCli(), file], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function shippedFiles(): string[] {
  const workflows = readdirSync(join(GITHUB, 'workflows')).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(GITHUB, 'workflows', f));
  const actions = readdirSync(join(GITHUB, 'actions')).map((d) => join(GITHUB, 'actions', d, 'action.yml'));
  return [...workflows, ...actions];
}

test('ci.yml, sweep.yml and the setup action match the GitHub Actions schema', () => {
  const files = shippedFiles();
  const names = files.map((f) => relative(ROOT, f));
  for (const expected of ['.github/workflows/ci.yml', '.github/workflows/sweep.yml', '.github/actions/setup/action.yml']) {
    assert.ok(names.includes(expected), `${expected} is missing`);
  }
  for (const f of files) {
    const r = validate(f);
    assert.equal(r.status, 0, `${relative(ROOT, f)} fails the schema:\n${r.output}`);
  }
});

test('the checker rejects a workflow with a misspelled key', () => {
  const r = validate(BAD);
  assert.equal(r.status, 1, r.output);
  assert.match(r.output, /Additional property 'step' is not allowed/);
});
