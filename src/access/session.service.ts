import type { Kysely } from 'kysely';
import type { AccessConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { Principal, SecondFactor, User } from './access.model.ts';
import type { Executor } from './access.mappers.ts';
import { addMinutes, type Clock } from './clock.ts';
import { ineligibility } from './eligibility.ts';
import { csrfTokenFor, randomToken, sha256Hex } from './secrets.ts';
import {
  deleteSession,
  deleteSessionsEndedBefore,
  deleteSessionsOfUser,
  findSessionByTokenHash,
  insertSession,
  touchSession,
  type SessionRecord,
  type SessionStage,
} from './session.repository.ts';
import { findUserById } from './user.repository.ts';

/** What a session cookie holds: 32 random bytes, base64url. */
export const SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Between the password and the second factor: long enough to fetch a phone or a security key, short
 * because the session is only half proved.
 */
export const PENDING_SESSION_MINUTES = 10;

/**
 * last_seen_at is written at most this often, not on every request; the idle limit is therefore kept
 * to within a minute, which is well inside its purpose.
 */
const TOUCH_AFTER_MS = 60_000;

export interface IssuedSession {
  readonly id: string;
  /** Goes in the cookie; never stored. */
  readonly token: string;
  /** Goes in forms and the X-CSRF-Token header of requests made with this session. */
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export function hashSessionToken(token: string): string {
  return sha256Hex(token);
}

export function principalOf(user: User, via: Principal['via']): Principal {
  return {
    userId: user.id,
    roles: user.roles,
    organisationId: user.organisationId,
    la: user.localAuthority,
    via,
  };
}

/** A new session under a new token: sign-in issues one after the password and another after the second factor. */
export async function issueSession(
  trx: Executor,
  session: {
    userId: string;
    stage: SessionStage;
    secondFactor: SecondFactor | null;
    at: Date;
    absoluteHours: number;
  },
): Promise<IssuedSession> {
  const token = randomToken();
  const expiresAt =
    session.stage === 'complete'
      ? addMinutes(session.at, session.absoluteHours * 60)
      : addMinutes(session.at, PENDING_SESSION_MINUTES);
  const record = await insertSession(trx, {
    userId: session.userId,
    tokenHash: hashSessionToken(token),
    stage: session.stage,
    secondFactor: session.secondFactor,
    at: session.at,
    expiresAt,
  });
  return { id: record.id, token, csrfToken: csrfTokenFor(token), expiresAt };
}

export interface SessionServiceDeps {
  readonly db: Kysely<Database>;
  readonly config: { readonly access: AccessConfig };
  readonly clock: Clock;
}

export function createSessionService(deps: SessionServiceDeps) {
  const { db, clock } = deps;
  const rules = deps.config.access;

  function ended(session: SessionRecord, now: Date): boolean {
    return session.expiresAt <= now || addMinutes(session.lastSeenAt, rules.sessionIdleMinutes) <= now;
  }

  return {
    /**
     * The signed-in user behind a session cookie, or undefined. A session past its idle or absolute
     * limit is deleted; so are all of a user's sessions once the account may no longer be used.
     */
    async authenticate(token: string): Promise<{ principal: Principal; session: SessionRecord } | undefined> {
      if (!SESSION_TOKEN.test(token)) return undefined;
      const session = await findSessionByTokenHash(db, hashSessionToken(token));
      if (session?.stage !== 'complete') return undefined;
      const now = clock();
      if (ended(session, now)) {
        await deleteSession(db, session.id);
        return undefined;
      }
      const user = await findUserById(db, session.userId);
      if (user === undefined || ineligibility(user, now, rules) !== null) {
        await deleteSessionsOfUser(db, session.userId);
        return undefined;
      }
      if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_AFTER_MS)
        await touchSession(db, session.id, now);
      return { principal: principalOf(user, 'session'), session };
    },

    /** Removes sessions past their absolute limit (idle ones are removed when next presented). */
    async deleteEnded(): Promise<number> {
      return deleteSessionsEndedBefore(db, clock());
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
