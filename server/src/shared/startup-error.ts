/** A reason Vigil cannot start that the operator can fix: printed as its message alone, no stack trace. */
export class StartupError extends Error {
  override name = 'StartupError';
}
