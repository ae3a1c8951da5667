// Errors of the replay tools a user can cause with their input.
import { PercpuError } from '../errors.js';

/** A trace, dmesg, prelude or flag the replayer cannot use; the message says which and why. */
export class ReplayInputError extends PercpuError {
  override name = 'ReplayInputError';
}
