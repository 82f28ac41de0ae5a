import type { SecondFactor } from './access.model.ts';
import type { Executor } from './access.mappers.ts';

/** Server-side sessions, found by the SHA-256 of the cookie's token. */

export type SessionStage = 'second_factor' | 'complete';
export type WebauthnCeremony = 'registration' | 'authentication';

export interface SessionRecord {
  readonly id: string;
  readonly userId: string;
  readonly stage: SessionStage;
  readonly secondFactor: SecondFactor | null;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
  readonly webauthnChallenge: string | null;
  readonly webauthnCeremony: WebauthnCeremony | null;
  readonly webauthnChallengeExpiresAt: Date | null;
}

function toRecord(row: {
  id: string;
  user_id: string;
  stage: string;
  second_factor: string | null;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  webauthn_challenge: string | null;
  webauthn_ceremony: string | null;
  webauthn_challenge_expires_at: Date | null;
}): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    stage: row.stage === 'complete' ? 'complete' : 'second_factor',
    secondFactor: row.second_factor === 'totp' || row.second_factor === 'webauthn' ? row.second_factor : null,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    webauthnChallenge: row.webauthn_challenge,
    webauthnCeremony:
      row.webauthn_ceremony === 'registration' || row.webauthn_ceremony === 'authentication'
        ? row.webauthn_ceremony
        : null,
    webauthnChallengeExpiresAt: row.webauthn_challenge_expires_at,
  };
}

export async function insertSession(
  db: Executor,
  session: {
    userId: string;
    tokenHash: string;
    stage: SessionStage;
    secondFactor: SecondFactor | null;
    at: Date;
    expiresAt: Date;
  },
): Promise<SessionRecord> {
  const row = await db
    .insertInto('user_session')
    .values({
      user_id: session.userId,
      token_hash: session.tokenHash,
      stage: session.stage,
      second_factor: session.secondFactor,
      created_at: session.at,
      last_seen_at: session.at,
      expires_at: session.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRecord(row);
}

export async function findSessionByTokenHash(
  db: Executor,
  tokenHash: string,
): Promise<SessionRecord | undefined> {
  const row = await db
    .selectFrom('user_session')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row === undefined ? undefined : toRecord(row);
}

export async function touchSession(db: Executor, id: string, at: Date): Promise<void> {
  await db.updateTable('user_session').set({ last_seen_at: at }).where('id', '=', id).execute();
}

export async function deleteSession(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('user_session').where('id', '=', id).execute();
}

export async function deleteSessionByTokenHash(db: Executor, tokenHash: string): Promise<void> {
  await db.deleteFrom('user_session').where('token_hash', '=', tokenHash).execute();
}

/** Suspension, expiry and similar end every session the user has, at once. */
export async function deleteSessionsOfUser(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('user_session').where('user_id', '=', userId).execute();
}

export async function deleteSessionsEndedBefore(db: Executor, at: Date): Promise<number> {
  const result = await db.deleteFrom('user_session').where('expires_at', '<', at).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function setChallenge(
  db: Executor,
  id: string,
  challenge: { value: string; ceremony: WebauthnCeremony; expiresAt: Date },
): Promise<void> {
  await db
    .updateTable('user_session')
    .set({
      webauthn_challenge: challenge.value,
      webauthn_ceremony: challenge.ceremony,
      webauthn_challenge_expires_at: challenge.expiresAt,
    })
    .where('id', '=', id)
    .execute();
}

/** Takes the session's challenge, so each challenge can be answered once. */
export async function takeChallenge(
  db: Executor,
  id: string,
): Promise<{ value: string; ceremony: WebauthnCeremony; expiresAt: Date } | undefined> {
  const before = await db
    .selectFrom('user_session')
    .select(['webauthn_challenge', 'webauthn_ceremony', 'webauthn_challenge_expires_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  await db
    .updateTable('user_session')
    .set({ webauthn_challenge: null, webauthn_ceremony: null, webauthn_challenge_expires_at: null })
    .where('id', '=', id)
    .execute();
  if (
    before?.webauthn_challenge == null ||
    before.webauthn_challenge_expires_at === null ||
    (before.webauthn_ceremony !== 'registration' && before.webauthn_ceremony !== 'authentication')
  ) {
    return undefined;
  }
  return {
    value: before.webauthn_challenge,
    ceremony: before.webauthn_ceremony,
    expiresAt: before.webauthn_challenge_expires_at,
  };
}
