// The one error a cost profile can raise: missing, unreadable, or a bad
// field. Its message names the file and the field, on one line.

export class ProfileError extends Error {
  override name = 'ProfileError';
}
