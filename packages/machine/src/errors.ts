// Every error a user of the machine layer can see, each with a message that
// says what went wrong and where.

export class MachineError extends Error {
  override name = 'MachineError';
}

/** A layout or boot parameter that cannot work (too little memory, …). */
export class BootError extends MachineError {
  override name = 'BootError';
}

/** Lock misuse caught by the lockdep-lite checks. */
export class LockError extends MachineError {
  override name = 'LockError';
}

/** The run was stopped from outside (watchdog, another CPU's crash). */
export class RunStopped extends MachineError {
  override name = 'RunStopped';
}
