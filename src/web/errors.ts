/**
 * The closed catalogue of errors the service reports. Each code has one HTTP status and one message
 * safe to show anyone: internals are never sent, and no message may reveal whether a shielded child exists.
 */
export const ERROR_CATALOGUE = {
  BAD_REQUEST: { status: 400, message: 'The request is not valid' },
  NOT_FOUND: { status: 404, message: 'Not found' },
  UNAUTHENTICATED: { status: 401, message: 'Sign in to continue' },
  FORBIDDEN: { status: 403, message: 'You do not have permission to do that' },
  CSRF: {
    status: 403,
    message:
      'The request did not come from a ContactPoint page or has expired: reload the page and try again',
  },
  CONFLICT: { status: 409, message: 'That conflicts with something that already exists' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request is larger than this service accepts' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'The request body is not of a type this service accepts' },
  RATE_LIMITED: { status: 429, message: 'Too many requests: wait a minute and try again' },
  INVALID_CREDENTIALS: { status: 401, message: 'The username or password is not right' },
  INVALID_SECOND_FACTOR: { status: 401, message: 'That security code or security key was not accepted' },
  LOCKED: { status: 423, message: 'Too many failed attempts: the account is locked for now' },
  ACCOUNT_UNAVAILABLE: { status: 403, message: 'This account cannot be used to sign in' },
  WEAK_PASSWORD: { status: 400, message: 'Choose a different password' },
  DATABASE_UNAVAILABLE: { status: 503, message: 'The service is temporarily unavailable' },
  INTERNAL: { status: 500, message: 'Something went wrong; the error has been logged' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    /** Detail for the caller; must be safe to show them. */
    readonly detail?: string,
  ) {
    super(detail ?? ERROR_CATALOGUE[code].message);
  }
}
