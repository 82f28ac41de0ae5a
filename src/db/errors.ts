/** The database cannot be opened or reached; the message names the cause and holds no credentials. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

/** A migration failed; it was rolled back, and those after it were not attempted. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}
