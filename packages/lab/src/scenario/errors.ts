// Errors a user can get from a scenario: bad flags, a bad scenario file.
// Each carries one line per problem; the CLI prints them and exits 2.

export class ScenarioError extends Error {
  override name = 'ScenarioError';
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

/** The scenario file cannot be read or parsed at all. */
export class ScenarioFileError extends ScenarioError {
  override name = 'ScenarioFileError';
  constructor(line: string) {
    super([line]);
  }
}
