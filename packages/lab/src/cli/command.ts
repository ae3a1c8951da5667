// What a sub-command is to the CLI: a name, a one-line summary for the
// global help, and an entry that gets the arguments after its name and
// returns the exit status. A command prints its own --help; it reports bad
// usage by throwing UsageError (or printing one line and returning 2) and a
// failed run by throwing RunFailed (or returning 1).
export interface Command {
  name: string;
  summary: string;
  run(argv: string[]): Promise<number>;
}
