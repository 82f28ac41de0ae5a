export const ACCESS_ERROR_CODES = [
  'INVALID_CREDENTIALS',
  'INVALID_SECOND_FACTOR',
  'LOCKED',
  'ACCOUNT_UNAVAILABLE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'WEAK_PASSWORD',
  'INVALID_INPUT',
  'NOT_FOUND',
  'CONFLICT',
] as const;
export type AccessErrorCode = (typeof ACCESS_ERROR_CODES)[number];

/**
 * A refused access operation. The message is safe to show the caller: the sign-in errors read the
 * same whether or not the account exists, and ACCOUNT_UNAVAILABLE (which does describe the account)
 * is only ever given to someone who has just typed its password correctly.
 */
export class AccessError extends Error {
  override readonly name = 'AccessError';
  constructor(
    readonly code: AccessErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const SIGN_IN_REFUSED = 'The username or password is not right';
export const LOCKED_MESSAGE =
  'Too many failed attempts: this account is locked for now. Try again later, or ask your local authority ContactPoint management team to unlock it';
export const SECOND_FACTOR_REFUSED = 'That security code or security key was not accepted';
