import type { Executor } from './access.mappers.ts';

/** TOTP secrets (sealed) and WebAuthn credentials. */

export interface TotpRecord {
  readonly userId: string;
  readonly sealedSecret: string;
  readonly confirmedAt: Date | null;
  readonly lastUsedStep: number | null;
}

export async function findTotp(db: Executor, userId: string): Promise<TotpRecord | undefined> {
  const row = await db.selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return row === undefined
    ? undefined
    : {
        userId: row.user_id,
        sealedSecret: row.secret_ciphertext,
        confirmedAt: row.confirmed_at,
        lastUsedStep: row.last_used_step,
      };
}

/**
 * Starts (or restarts) enrolment with a new secret. A confirmed secret is never replaced here, so a
 * half-signed-in session cannot swap out the authenticator of a user who already has one.
 * False when a confirmed secret exists.
 */
export async function saveUnconfirmedTotp(
  db: Executor,
  userId: string,
  sealedSecret: string,
  at: Date,
): Promise<boolean> {
  const row = await db
    .insertInto('user_totp')
    .values({ user_id: userId, secret_ciphertext: sealedSecret, created_at: at })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ secret_ciphertext: sealedSecret, created_at: at, last_used_step: null })
        .where('user_totp.confirmed_at', 'is', null),
    )
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Records that the code for `step` was used (and confirms enrolment). Only a step later than the last
 * one used is accepted, checked in the same statement, so two requests racing with one code cannot
 * both succeed. False means the code was already used (a replay).
 */
export async function useTotpStep(db: Executor, userId: string, step: number, at: Date): Promise<boolean> {
  const row = await db
    .updateTable('user_totp')
    .set((eb) => ({ last_used_step: step, confirmed_at: eb.fn.coalesce('confirmed_at', eb.val(at)) }))
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
    .returning('user_id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function deleteTotp(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('user_totp').where('user_id', '=', userId).execute();
}

export interface CredentialRecord {
  readonly id: string;
  readonly userId: string;
  readonly publicKey: string;
  readonly counter: number;
  readonly transports: readonly string[];
  readonly name: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

function toCredential(row: {
  id: string;
  user_id: string;
  public_key: string;
  counter: number;
  transports: string[];
  name: string;
  created_at: Date;
  last_used_at: Date | null;
}): CredentialRecord {
  return {
    id: row.id,
    userId: row.user_id,
    publicKey: row.public_key,
    counter: row.counter,
    transports: row.transports,
    name: row.name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

export async function listCredentials(db: Executor, userId: string): Promise<CredentialRecord[]> {
  const rows = await db
    .selectFrom('webauthn_credential')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  return rows.map(toCredential);
}

export async function insertCredential(
  db: Executor,
  credential: {
    id: string;
    userId: string;
    publicKey: string;
    counter: number;
    transports: readonly string[];
    name: string;
    at: Date;
  },
): Promise<boolean> {
  const row = await db
    .insertInto('webauthn_credential')
    .values({
      id: credential.id,
      user_id: credential.userId,
      public_key: credential.publicKey,
      counter: credential.counter,
      transports: [...credential.transports],
      name: credential.name,
      created_at: credential.at,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Moves the signature counter forward; false if another request already moved it as far. */
export async function useCredential(db: Executor, id: string, counter: number, at: Date): Promise<boolean> {
  const row = await db
    .updateTable('webauthn_credential')
    .set({ counter, last_used_at: at })
    .where('id', '=', id)
    // Authenticators that keep no counter always report 0, and then there is nothing to compare.
    .where('counter', counter === 0 ? '=' : '<', counter)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Demo mode only: puts a known, confirmed secret in place, whatever was there. */
export async function replaceTotp(
  db: Executor,
  userId: string,
  sealedSecret: string,
  at: Date,
): Promise<void> {
  await db
    .insertInto('user_totp')
    .values({ user_id: userId, secret_ciphertext: sealedSecret, created_at: at, confirmed_at: at })
    .onConflict((oc) =>
      oc.column('user_id').doUpdateSet({
        secret_ciphertext: sealedSecret,
        created_at: at,
        confirmed_at: at,
        last_used_step: null,
      }),
    )
    .execute();
}
