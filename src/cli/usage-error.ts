/** The command line asked for something impossible; the message says what to change. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
