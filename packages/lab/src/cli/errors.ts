// Errors the CLI reports as one line `percpu-lab <command>: <message>`, each
// with the exit status it stands for; the message leaves the command out
// (main.ts adds it). Anything else reaching the top is a bug.

export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number = 1;
}

/** Bad flags, values or command names: exit 2. */
export class UsageError extends CliError {
  override name = 'UsageError';
  override readonly exitCode = 2;
}

/** The command ran and failed (a CPU crashed, a check did not hold): exit 1. */
export class RunFailed extends CliError {
  override name = 'RunFailed';
  override readonly exitCode = 1;
}

/** Something the command needs from the host is missing (a compiler, perf, the right to trace): exit 2. */
export class MissingPrerequisite extends CliError {
  override name = 'MissingPrerequisite';
  override readonly exitCode = 2;
}
