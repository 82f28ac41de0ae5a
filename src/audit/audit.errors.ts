export const AUDIT_ERROR_CODES = [
  'INVALID_ENTRY',
  'INVALID_QUERY',
  'TRAIL_BROKEN',
  'FORBIDDEN',
  'NOT_FOUND',
] as const;
export type AuditErrorCode = (typeof AUDIT_ERROR_CODES)[number];

/**
 * An entry that breaks the vocabulary's rules, a report asked for wrongly (or by someone who may not,
 * or about a child there is no record of), or a trail that failed verification. Refusing a bad entry
 * fails the caller's transaction, so nothing happens unaudited.
 */
export class AuditError extends Error {
  override readonly name = 'AuditError';
  constructor(
    readonly code: AuditErrorCode,
    message: string,
  ) {
    super(message);
  }
}
