/** A failure the operator can act on: an unreadable file, an unknown source, a bad --set, a closed row. */
export class IngestError extends Error {
  override readonly name = 'IngestError';
}
