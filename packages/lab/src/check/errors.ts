// Errors of the regression check. All are bad input (exit 2): the check
// could not compare, which is different from a comparison that failed.

export class CheckInputError extends Error {
  override name = 'CheckInputError';
}
