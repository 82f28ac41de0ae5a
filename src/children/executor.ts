import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';

/** Repositories take the database or the caller's transaction first; services decide which. */
export type Executor = Kysely<Database> | Transaction<Database>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Ids arrive from URLs and forms; a malformed one is simply not found, rather than a database
 * error that would abort the caller's transaction.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
