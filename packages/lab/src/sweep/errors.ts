// Every error a sweep can show its user. Each says what to do next; the CLI
// prints the message on one line and exits 2 (bad usage or input).

export class SweepError extends Error {
  override name = 'SweepError';
}

/** A sweep file, preset name or flag that does not describe a valid sweep. */
export class SweepSpecError extends SweepError {
  override name = 'SweepSpecError';
}

/** `--shard i/n` that is not two integers with 1 ≤ i ≤ n. */
export class ShardError extends SweepError {
  override name = 'ShardError';
}

/** An output directory that already holds a different sweep (resume or merge would mix two matrices). */
export class SweepMismatchError extends SweepError {
  override name = 'SweepMismatchError';
}

/** A stored point file that cannot be read back (truncated, edited, from another tool version). */
export class SweepStoreError extends SweepError {
  override name = 'SweepStoreError';
}

/** A point's run failed or stopped early (exit 1): the sweep stops, finished points stay saved. */
export class SweepPointFailed extends Error {
  override name = 'SweepPointFailed';
}
