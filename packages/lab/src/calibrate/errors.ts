// Errors of `percpu-lab calibrate` and `percpu-lab validate` that are not
// bad input: an engine run that failed (exit 1, one line).

export class EngineRunFailed extends Error {
  override name = 'EngineRunFailed';
}
