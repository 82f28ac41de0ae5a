export const CHILD_RECORD_ERROR_CODES = [
  'INVALID_IDENTIFIER',
  'INVALID_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_STATE',
] as const;
export type ChildRecordErrorCode = (typeof CHILD_RECORD_ERROR_CODES)[number];

/**
 * A refused operation on a child record. The message is safe to show the caller: it names the
 * rule that failed and holds no personal data beyond what they supplied, and never anything about
 * another child (a conflict says an identifier is taken, not by whom).
 */
export class ChildRecordError extends Error {
  override readonly name = 'ChildRecordError';
  constructor(
    readonly code: ChildRecordErrorCode,
    message: string,
    /** A stable rule name (e.g. 'nhs.check-digit', or a constraint name) for callers that branch or count. */
    readonly rule?: string,
  ) {
    super(message);
  }
}
