// Every error line has one form: the command line as the user typed it,
// a colon, the message — `percpu-lab <command>: …` for each command,
// `percpu-lab: …` before a command is known, `pnpm bench: …` for the
// benchmark runner — and bad usage exits 2 with that one line. Every
// command in the CLI's table is tried with a flag it does not have, so a
// new command is covered without editing this test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from '../src/cli/main.js';
import { assertOneLineUsageErrors } from './fixtures/run-helpers.js';

/** Compiled tests live in dist/test/; `pnpm bench` runs the bench package's compiled main. */
const BENCH_MAIN = fileURLToPath(new URL('../../../bench/dist/src/main.js', import.meta.url));

test('every command: an unknown flag is one line `percpu-lab <command>: …`, exit 2', async () => {
  assert.ok(COMMANDS.length >= 10, 'the CLI lists its commands');
  await assertOneLineUsageErrors(
    COMMANDS.map((c) => [[c.name, '--no-such-flag'], new RegExp(`^percpu-lab ${c.name}: Unknown option '--no-such-flag' \\(see percpu-lab ${c.name} --help\\)$`)] as const),
    /^percpu-lab \w+: /,
  );
});

test('before a command is known: `percpu-lab: …`', async () => {
  await assertOneLineUsageErrors(
    [
      [[], /^percpu-lab: no command given; see percpu-lab --help$/],
      [['nosuch'], /^percpu-lab: unknown command 'nosuch'; commands are .*locks/],
      [['--frob'], /^percpu-lab: unknown option '--frob'/],
    ],
    /^percpu-lab: /,
  );
});

test('pnpm bench: an unknown flag is one line `pnpm bench: …`, exit 2', () => {
  const r = spawnSync(process.execPath, [BENCH_MAIN, '--no-such-flag'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^pnpm bench: Unknown option '--no-such-flag' \(usage: pnpm bench .*\)\n$/);
});
