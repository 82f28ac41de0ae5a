export const CHILD_ACCESS_ERROR_CODES = [
  'NOT_FOUND',
  'FORBIDDEN',
  'INVALID_INPUT',
  'RATE_LIMITED',
  'CONFLICT',
] as const;
export type ChildAccessErrorCode = (typeof CHILD_ACCESS_ERROR_CODES)[number];

/** Every refusal to show a record reads the same, whether it is missing, archived or merged. */
export const NOT_FOUND_MESSAGE = 'No child record was found';

/**
 * A refused read or write of a child's record. The message is safe for the caller: it never says
 * whether a record the caller may not see exists, nor anything a shield hides.
 */
export class ChildAccessError extends Error {
  override readonly name = 'ChildAccessError';
  constructor(
    readonly code: ChildAccessErrorCode,
    message: string,
    /** The policy rule or validation rule that refused, for logs and tests. */
    readonly rule?: string,
  ) {
    super(message);
  }
}

export function notFound(rule?: string): ChildAccessError {
  return new ChildAccessError('NOT_FOUND', NOT_FOUND_MESSAGE, rule);
}
