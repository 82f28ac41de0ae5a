export type FeedErrorCode = 'NOT_FOUND' | 'INVALID_INPUT' | 'TOO_LARGE' | 'FORBIDDEN';

/** A feed submission refused for a reason the submitting system can act on; the message is safe to show it. */
export class FeedError extends Error {
  override readonly name = 'FeedError';
  constructor(
    readonly code: FeedErrorCode,
    message: string,
  ) {
    super(message);
  }
}
