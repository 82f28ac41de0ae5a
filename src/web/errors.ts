/**
 * The closed catalogue of errors the service reports. Each code has one HTTP status and one message
 * safe to show anyone: internals are never sent, and no message may reveal whether a shielded child exists.
 */
export const ERROR_CATALOGUE = {
  BAD_REQUEST: { status: 400, message: 'The request is not valid' },
  NOT_FOUND: { status: 404, message: 'Not found' },
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
