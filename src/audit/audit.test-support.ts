import { sql, type ControlledTransaction, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { AuditEntryInput } from './audit.model.ts';

/** Shared by the audit tests: entries to record, and an attacker's access to the tables. */

export const CHILD_A = '5b1e0c8e-8d0a-4c39-9c8f-2f0f5f4b8a11';
export const CHILD_B = '0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5';

export function viewOf(
  childId: string,
  userId = 'user-1',
  extra: Partial<AuditEntryInput> = {},
): AuditEntryInput {
  return {
    actor: { type: 'user', id: userId, role: 'practitioner', organisation: '202' },
    action: 'child.view',
    outcome: 'success',
    childId,
    reason: 'safeguarding-concern',
    requestId: `req-${Math.random().toString(36).slice(2)}`,
    ...extra,
  };
}

export function searchBy(userId: string): AuditEntryInput {
  return {
    actor: { type: 'user', id: userId, role: 'practitioner', organisation: '202' },
    action: 'child.search',
    outcome: 'success',
    reason: 'contact-practitioner',
    details: { criteria: { surname: 'Smith', dateOfBirth: '2015-03-01' }, results: 1 },
  };
}

/**
 * Runs `tamper` as someone who can switch the refusal triggers off (the owner or a superuser), then
 * `look` at the result, all in one transaction that is rolled back: the test's database is untouched.
 */
export async function whileTampered<T>(
  db: Kysely<Database>,
  tamper: (trx: Transaction<Database>) => Promise<unknown>,
  look: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  const trx = await db.startTransaction().execute();
  try {
    await sql`alter table audit_entry disable trigger audit_entry_append_only`.execute(trx);
    await sql`alter table audit_chain disable trigger audit_chain_forward_only`.execute(trx);
    await tamper(trx);
    await sql`alter table audit_entry enable trigger audit_entry_append_only`.execute(trx);
    await sql`alter table audit_chain enable trigger audit_chain_forward_only`.execute(trx);
    return await look(trx);
  } finally {
    await trx.rollback().execute();
  }
}

/** Runs `work` in a transaction that is rolled back, as the application role or as the session's user. */
export async function rolledBack<T>(
  db: Kysely<Database>,
  role: 'app' | 'owner',
  work: (trx: ControlledTransaction<Database>) => Promise<T>,
): Promise<T> {
  const trx = await db.startTransaction().execute();
  try {
    if (role === 'app') await sql`set local role contactpoint_app`.execute(trx);
    return await work(trx);
  } finally {
    await trx.rollback().execute();
  }
}
