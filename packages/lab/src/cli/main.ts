// The percpu-lab command line: `percpu-lab [--debug] <command> [flags]`.
//
// To add a sub-command: write a module exporting a Command (see command.ts)
// — or any `(argv: string[]) => Promise<number>` wrapped as one — import it
// below and add ONE entry to COMMANDS. Global --help lists COMMANDS;
// `percpu-lab <command> --help` is the command's own.
//
// Errors have one form everywhere: one line `percpu-lab <command>: <message>`
// (`percpu-lab: <message>` before a command is known). A CliError
// (UsageError, RunFailed) exits with its status (2 usage, 1 failed run); its
// message does not repeat the command, which is added here. Anything else is
// a bug and prints one line too, plus the stack with --debug. Commands that
// print input errors themselves (several lines, one per problem) use the
// same prefix.
import type { Command } from './command.js';
import { CliError, UsageError } from './errors.js';
import { locksCommand } from './locks.js';
import { runCommand } from './run.js';
import { benchCommand } from './bench.js';
import { sweepCommand } from './sweep.js';
import { mergeCommand } from './merge.js';
import { checkCommand } from './check.js';
import { baselineCommand } from './baseline.js';
import { calibrateCommand } from './calibrate.js';
import { validateCommand } from './validate.js';
import { kernelCommand } from './kernel.js';
import { replayCommand } from '@percpu-lab/percpu';
import { toolVersion } from '../results/host.js';

export const COMMANDS: Command[] = [
  runCommand,
  benchCommand,
  locksCommand,
  sweepCommand,
  mergeCommand,
  checkCommand,
  baselineCommand,
  calibrateCommand,
  validateCommand,
  kernelCommand,
  { name: 'replay', summary: 'replay a kernel percpu trace on the allocator model and compare every placement', run: replayCommand },
];

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: percpu-lab [--debug] <command> [flags]',
    '       percpu-lab --version',
    '',
    'Emulates a multi-CPU Linux kernel on worker threads to measure the percpu',
    'allocator and SLUB under real contention.',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `percpu-lab <command> --help` for its flags.',
    '  --debug       print the stack trace of an internal error',
    '  -V, --version print the version and exit',
  ].join('\n');
}

/** What the user typed before the message: `percpu-lab run`, or `percpu-lab` before a command is known. */
const PROGRAM = 'percpu-lab';

function dispatch(argv: string[], debug: boolean): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given; see percpu-lab --help');
  if (first === '--help' || first === '-h') {
    process.stdout.write(`${globalHelp()}\n`);
    return Promise.resolve(0);
  }
  if (first === '--version' || first === '-V') {
    process.stdout.write(`percpu-lab ${toolVersion()}\n`);
    return Promise.resolve(0);
  }
  if (first === 'help') return dispatch(rest.length > 0 ? [rest[0]!, '--help'] : ['--help'], debug);
  const cmd = COMMANDS.find((c) => c.name === first);
  if (cmd === undefined) {
    const what = first.startsWith('-') ? `unknown option '${first}'` : `unknown command '${first}'`;
    throw new UsageError(`${what}; commands are ${COMMANDS.map((c) => c.name).join(', ')} (see percpu-lab --help)`);
  }
  return reported(`${PROGRAM} ${cmd.name}`, () => cmd.run(rest), debug);
}

/** Run `body`; an error it throws becomes one line `<who>: <message>` and the exit status. */
async function reported(who: string, body: () => Promise<number>, debug: boolean): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`${who}: ${e.message}\n`);
      return e.exitCode;
    }
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    process.stderr.write(`${who}: internal error: ${msg.split('\n')[0]}${debug ? '' : ' (run with --debug for the stack)'}\n`);
    if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return 70;
  }
}

export function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  return reported(PROGRAM, () => dispatch(argv.filter((a) => a !== '--debug'), debug), debug);
}
