// The percpu-lab command line: `percpu-lab [--debug] <command> [flags]`.
//
// To add a sub-command: write a module exporting a Command (see command.ts)
// — or any `(argv: string[]) => Promise<number>` wrapped as one — import it
// below and add ONE entry to COMMANDS. Global --help lists COMMANDS;
// `percpu-lab <command> --help` is the command's own.
//
// Errors: a CliError (UsageError, RunFailed) prints one line
// `percpu-lab: <message>` and exits with its status (2 usage, 1 failed run);
// anything else is a bug and prints one line too, plus the stack with --debug.
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
import { replayCommand } from '@percpu-lab/percpu';
import { toolVersion } from '../results/host.js';

const COMMANDS: Command[] = [
  runCommand,
  benchCommand,
  locksCommand,
  sweepCommand,
  mergeCommand,
  checkCommand,
  baselineCommand,
  calibrateCommand,
  validateCommand,
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

function dispatch(argv: string[]): Promise<number> {
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
  if (first === 'help') return dispatch(rest.length > 0 ? [rest[0]!, '--help'] : ['--help']);
  const cmd = COMMANDS.find((c) => c.name === first);
  if (cmd === undefined) {
    const what = first.startsWith('-') ? `unknown option '${first}'` : `unknown command '${first}'`;
    throw new UsageError(`${what}; commands are ${COMMANDS.map((c) => c.name).join(', ')} (see percpu-lab --help)`);
  }
  return cmd.run(rest);
}

export async function main(argv: string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    return await dispatch(argv.filter((a) => a !== '--debug'));
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`percpu-lab: ${e.message}\n`);
      return e.exitCode;
    }
    const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    process.stderr.write(`percpu-lab: internal error: ${msg.split('\n')[0]}${debug ? '' : ' (run with --debug for the stack)'}\n`);
    if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return 70;
  }
}
