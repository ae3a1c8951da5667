// Every error the virtual engine lets a user see. Each message names what was
// wrong and what to do about it, on one line.

export class VirtualEngineError extends Error {
  override name = 'VirtualEngineError';
}

/** Arguments of a virtual run that cannot work (CPU count, topology, quotas). */
export class VirtualConfigError extends VirtualEngineError {
  override name = 'VirtualConfigError';
}

/** A CPU's program failed or stalled during a virtual run. */
export class VirtualRunError extends VirtualEngineError {
  override name = 'VirtualRunError';
}
