import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Kysely, Transaction } from 'kysely';
import type { AuditEntryInput } from '../audit/audit.model.ts';
import type { AccessConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import {
  normaliseUsername,
  type Principal,
  type SecondFactor,
  type UserWithSecrets,
} from './access.model.ts';
import { AccessError, LOCKED_MESSAGE, SECOND_FACTOR_REFUSED, SIGN_IN_REFUSED } from './access.errors.ts';
import { textOrNull } from './access.mappers.ts';
import { anonymousActor, userActor, userTarget, SYSTEM_ACTOR, type AccessAudit } from './access-audit.ts';
import { addMinutes, type Clock } from './clock.ts';
import { ineligibility, ineligibilityMessage, type Ineligibility } from './eligibility.ts';
import { afterFailure, lockState } from './lockout.ts';
import type { PasswordHasher } from './password.ts';
import { seal, unseal } from './secrets.ts';
import {
  findTotp,
  insertCredential,
  listCredentials,
  saveUnconfirmedTotp,
  useCredential,
  useTotpStep,
} from './second-factor.repository.ts';
import {
  hashSessionToken,
  issueSession,
  principalOf,
  SESSION_TOKEN,
  type IssuedSession,
  type SessionService,
} from './session.service.ts';
import {
  deleteSession,
  deleteSessionByTokenHash,
  deleteSessionsOfUser,
  findSessionByTokenHash,
  setChallenge,
  takeChallenge,
  type SessionRecord,
} from './session.repository.ts';
import { usernameKey } from './sign-in-name.ts';
import { clearThrottle, findThrottle, findThrottleForUpdate, saveThrottle } from './throttle.repository.ts';
import { checkTotp, newTotpSecret, totpUri } from './totp.ts';
import {
  findUserById,
  findUserByIdForUpdate,
  findUserByUsername,
  recordSignIn,
  updateStatus,
} from './user.repository.ts';

/** Where a request came from, for the audit trail. */
export interface RequestContext {
  readonly requestId?: string;
}

export type PasswordStep =
  | {
      readonly status: 'second-factor-required';
      readonly methods: SecondFactor[];
      readonly session: IssuedSession;
    }
  | { readonly status: 'enrolment-required'; readonly session: IssuedSession };

export interface SignedIn {
  readonly status: 'signed-in';
  readonly session: IssuedSession;
  readonly principal: Principal;
}

const RP_NAME = 'ContactPoint';
/** How long the browser waits for the security key, and how long the server keeps the challenge. */
const WEBAUTHN_TIMEOUT_MS = 120_000;
const CHALLENGE_MINUTES = 5;

export interface SignInServiceDeps {
  readonly db: Kysely<Database>;
  readonly config: { readonly access: AccessConfig };
  readonly clock: Clock;
  readonly audit: AccessAudit;
  readonly passwords: PasswordHasher;
  readonly sessions: SessionService;
}

const pendingEnded = () => new AccessError('UNAUTHENTICATED', 'That sign-in has ended: start again');

/**
 * Signing in: a password, then a second factor (TOTP or a WebAuthn security key), enrolled at the
 * first sign-in. Each step issues a new session token (rotation), so a token known before a step is
 * worth nothing after it. Every attempt is audited in the transaction that records it.
 */
export function createSignInService(deps: SignInServiceDeps) {
  const { db, clock, audit, passwords, sessions } = deps;
  const rules = deps.config.access;
  const totpKey = Buffer.from(rules.totpSecretKey, 'hex');

  /** One more failure against the name: counts it, and locks the name when that is due. */
  async function countFailure(
    trx: Transaction<Database>,
    key: string,
    now: Date,
  ): Promise<'temporary' | 'permanent' | null> {
    const { next, locked } = afterFailure(await findThrottleForUpdate(trx, key), now, rules);
    await saveThrottle(trx, key, next);
    return locked;
  }

  function lockedEntries(
    actor: AuditEntryInput['actor'],
    locked: 'temporary' | 'permanent' | null,
    ctx: RequestContext,
    target?: string,
  ): AuditEntryInput[] {
    return locked === null
      ? []
      : [
          {
            actor,
            action: 'auth.locked',
            outcome: 'denied',
            ...(target === undefined ? {} : { target }),
            ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
            details: { lock: locked },
          },
        ];
  }

  async function refuseLocked(
    actor: AuditEntryInput['actor'],
    action: 'auth.sign-in-failed' | 'auth.second-factor-failed',
    ctx: RequestContext,
    sessionId?: string,
  ): Promise<never> {
    await db.transaction().execute(async (trx) => {
      if (sessionId !== undefined) await deleteSession(trx, sessionId);
      await audit(trx, [
        {
          actor,
          action,
          outcome: 'denied',
          ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
          details: { reason: 'locked' },
        },
      ]);
    });
    throw new AccessError('LOCKED', LOCKED_MESSAGE);
  }

  async function pendingSession(token: string): Promise<{ session: SessionRecord; user: UserWithSecrets }> {
    const session = SESSION_TOKEN.test(token)
      ? await findSessionByTokenHash(db, hashSessionToken(token))
      : undefined;
    if (session?.stage !== 'second_factor' || session.expiresAt <= clock()) throw pendingEnded();
    const user = await findUserById(db, session.userId);
    if (user === undefined) throw pendingEnded();
    return { session, user };
  }

  /** The session a security key may be registered under: mid-sign-in with no factor yet, or signed in. */
  async function enrolmentSession(
    token: string,
  ): Promise<{ session: SessionRecord; user: UserWithSecrets; pending: boolean }> {
    const signedIn = await sessions.authenticate(token);
    if (signedIn !== undefined) {
      const user = await findUserById(db, signedIn.principal.userId);
      if (user === undefined) throw pendingEnded();
      return { session: signedIn.session, user, pending: false };
    }
    const { session, user } = await pendingSession(token);
    if ((await factorsOf(user.id)).length > 0) {
      // Otherwise someone holding only the password could add a second factor of their own.
      throw new AccessError('FORBIDDEN', 'This account already has a second factor: use it to sign in');
    }
    return { session, user, pending: true };
  }

  async function factorsOf(userId: string): Promise<SecondFactor[]> {
    const [totp, credentials] = await Promise.all([findTotp(db, userId), listCredentials(db, userId)]);
    const factors: SecondFactor[] = [];
    if (totp?.confirmedAt != null) factors.push('totp');
    if (credentials.length > 0) factors.push('webauthn');
    return factors;
  }

  /** A wrong second factor: counted against the account like a wrong password. */
  async function refuseSecondFactor(
    session: SessionRecord,
    user: UserWithSecrets,
    ctx: RequestContext,
    reason: string,
  ): Promise<never> {
    const now = clock();
    const locked = await db.transaction().execute(async (trx) => {
      const lock = await countFailure(trx, usernameKey(user.username), now);
      if (lock !== null) await deleteSession(trx, session.id);
      const actor = userActor(user);
      await audit(trx, [
        {
          actor,
          action: 'auth.second-factor-failed',
          outcome: 'failure',
          ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
          details: { reason },
        },
        ...lockedEntries(actor, lock, ctx, userTarget(user.id)),
      ]);
      return lock;
    });
    throw locked === null
      ? new AccessError('INVALID_SECOND_FACTOR', SECOND_FACTOR_REFUSED)
      : new AccessError('LOCKED', LOCKED_MESSAGE);
  }

  /**
   * The second factor was right: `use` records it (the TOTP step, the key's counter) and may still
   * refuse a replay that raced this request; then the half session is swapped for a full one.
   */
  async function complete(
    pending: SessionRecord,
    user: UserWithSecrets,
    factor: SecondFactor,
    ctx: RequestContext,
    use: (trx: Transaction<Database>, now: Date) => Promise<boolean>,
    enrolled: AuditEntryInput[] = [],
  ): Promise<SignedIn> {
    const now = clock();
    const key = usernameKey(user.username);
    const requestId = ctx.requestId === undefined ? {} : { requestId: ctx.requestId };
    const outcome = await db.transaction().execute(async (trx) => {
      const actor = userActor(user);
      if (lockState(await findThrottleForUpdate(trx, key), now) !== 'open') {
        await deleteSession(trx, pending.id);
        await audit(trx, [
          {
            actor,
            action: 'auth.sign-in-failed',
            outcome: 'denied',
            ...requestId,
            details: { reason: 'locked' },
          },
        ]);
        return { kind: 'locked' as const };
      }
      if (!(await use(trx, now))) {
        const lock = await countFailure(trx, key, now);
        if (lock !== null) await deleteSession(trx, pending.id);
        await audit(trx, [
          {
            actor,
            action: 'auth.second-factor-failed',
            outcome: 'failure',
            ...requestId,
            details: { reason: 'replayed', factor },
          },
          ...lockedEntries(actor, lock, ctx, userTarget(user.id)),
        ]);
        return { kind: lock === null ? ('refused' as const) : ('locked' as const) };
      }
      const fresh = await findUserByIdForUpdate(trx, user.id);
      const why: Ineligibility | null = fresh === undefined ? 'expired' : ineligibility(fresh, now, rules);
      if (fresh === undefined || why !== null) {
        await deleteSession(trx, pending.id);
        await audit(trx, [
          { actor, action: 'auth.sign-in-failed', outcome: 'denied', ...requestId, details: { reason: why } },
        ]);
        return { kind: 'ineligible' as const, why: why ?? 'expired' };
      }
      await deleteSession(trx, pending.id);
      const session = await issueSession(trx, {
        userId: fresh.id,
        stage: 'complete',
        secondFactor: factor,
        at: now,
        absoluteHours: rules.sessionAbsoluteHours,
      });
      await clearThrottle(trx, key);
      await recordSignIn(trx, fresh.id, now);
      await audit(trx, [
        ...enrolled,
        {
          actor: userActor(fresh),
          action: 'auth.sign-in',
          outcome: 'success',
          ...requestId,
          details: { secondFactor: factor },
        },
      ]);
      return { kind: 'ok' as const, session, user: fresh };
    });
    switch (outcome.kind) {
      case 'ok':
        return {
          status: 'signed-in',
          session: outcome.session,
          principal: principalOf(outcome.user, 'session'),
        };
      case 'locked':
        throw new AccessError('LOCKED', LOCKED_MESSAGE);
      case 'refused':
        throw new AccessError('INVALID_SECOND_FACTOR', SECOND_FACTOR_REFUSED);
      case 'ineligible':
        throw new AccessError('ACCOUNT_UNAVAILABLE', ineligibilityMessage(outcome.why, rules));
    }
  }

  function enrolledEntry(user: UserWithSecrets, factor: 'totp' | 'security-key', ctx: RequestContext) {
    return {
      actor: userActor(user),
      action: 'auth.second-factor-enrolled' as const,
      outcome: 'success' as const,
      target: userTarget(user.id),
      ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
      details: { factor },
    };
  }

  return {
    /**
     * Step one. Whether the name exists or not, a wrong password costs the same argon2 verification,
     * counts towards the same lockout and gets the same answer.
     */
    async start(
      input: { username: string; password: string; previousToken?: string | undefined },
      ctx: RequestContext = {},
    ): Promise<PasswordStep> {
      const now = clock();
      const username = normaliseUsername(input.username);
      const key = usernameKey(username);
      const requestId = ctx.requestId === undefined ? {} : { requestId: ctx.requestId };
      const user = username.length <= 100 ? await findUserByUsername(db, username) : undefined;
      const actor = user === undefined ? anonymousActor(input.username) : userActor(user);
      if (lockState(await findThrottle(db, key), now) !== 'open') {
        return refuseLocked(actor, 'auth.sign-in-failed', ctx);
      }
      const right =
        user?.passwordHash != null
          ? await passwords.verify(user.passwordHash, input.password)
          : await passwords.verifyDummy(input.password);

      if (!right || user === undefined) {
        const locked = await db.transaction().execute(async (trx) => {
          const lock = await countFailure(trx, key, now);
          await audit(trx, [
            {
              actor,
              action: 'auth.sign-in-failed',
              outcome: 'failure',
              ...requestId,
              details: { reason: 'password' },
            },
            ...lockedEntries(actor, lock, ctx, user === undefined ? undefined : userTarget(user.id)),
          ]);
          return lock;
        });
        throw locked === null
          ? new AccessError('INVALID_CREDENTIALS', SIGN_IN_REFUSED)
          : new AccessError('LOCKED', LOCKED_MESSAGE);
      }

      const outcome = await db.transaction().execute(async (trx) => {
        // Checked again under the row lock: a concurrent wrong guess may have locked the name meanwhile.
        if (lockState(await findThrottleForUpdate(trx, key), now) !== 'open')
          return { kind: 'locked' as const };
        const fresh = await findUserByIdForUpdate(trx, user.id);
        const why = fresh === undefined ? 'expired' : ineligibility(fresh, now, rules);
        if (why !== null) {
          const entries: AuditEntryInput[] = [
            {
              actor,
              action: 'auth.sign-in-failed',
              outcome: 'denied',
              ...requestId,
              details: { reason: why },
            },
          ];
          if (why === 'idle') {
            await updateStatus(trx, user.id, {
              status: 'expired',
              reason: `not used for ${rules.accountIdleExpiryDays} days`,
              by: null,
              at: now,
            });
            await deleteSessionsOfUser(trx, user.id);
            entries.unshift({
              actor: SYSTEM_ACTOR,
              action: 'user.expire',
              outcome: 'success',
              target: userTarget(user.id),
              details: { reason: 'idle' },
            });
          }
          await audit(trx, entries);
          return { kind: 'ineligible' as const, why };
        }
        // A session the browser already had is ended, so a planted session id cannot be carried into this one.
        if (input.previousToken !== undefined && SESSION_TOKEN.test(input.previousToken)) {
          await deleteSessionByTokenHash(trx, hashSessionToken(input.previousToken));
        }
        const session = await issueSession(trx, {
          userId: user.id,
          stage: 'second_factor',
          secondFactor: null,
          at: now,
          absoluteHours: rules.sessionAbsoluteHours,
        });
        return { kind: 'ok' as const, session };
      });
      if (outcome.kind === 'locked') return refuseLocked(actor, 'auth.sign-in-failed', ctx);
      if (outcome.kind === 'ineligible') {
        throw new AccessError('ACCOUNT_UNAVAILABLE', ineligibilityMessage(outcome.why, rules));
      }
      const methods = await factorsOf(user.id);
      return methods.length === 0
        ? { status: 'enrolment-required', session: outcome.session }
        : { status: 'second-factor-required', methods, session: outcome.session };
    },

    /**
     * First sign-in: a new TOTP secret for the user's authenticator app, confirmed by the first code
     * (verifyTotp). The secret is sealed at rest and returned only here, to the user enrolling.
     */
    async enrolTotp(token: string): Promise<{ secret: string; otpauthUri: string }> {
      const { user } = await pendingSession(token);
      if ((await factorsOf(user.id)).length > 0) {
        throw new AccessError('FORBIDDEN', 'This account already has a second factor: use it to sign in');
      }
      const secret = newTotpSecret();
      const saved = await saveUnconfirmedTotp(db, user.id, seal(totpKey, secret, user.id), clock());
      if (!saved) throw new AccessError('FORBIDDEN', 'This account already has an authenticator app');
      return { secret, otpauthUri: totpUri(secret, user.username) };
    },

    /** Step two with a TOTP code; the first good code also confirms enrolment. */
    async verifyTotp(token: string, code: string, ctx: RequestContext = {}): Promise<SignedIn> {
      const { session, user } = await pendingSession(token);
      const now = clock();
      if (lockState(await findThrottle(db, usernameKey(user.username)), now) !== 'open') {
        return refuseLocked(userActor(user), 'auth.second-factor-failed', ctx, session.id);
      }
      const totp = await findTotp(db, user.id);
      if (totp === undefined) throw new AccessError('INVALID_INPUT', 'Set up an authenticator app first');
      const enrolling = totp.confirmedAt === null;
      if (enrolling && (await listCredentials(db, user.id)).length > 0) {
        throw new AccessError('INVALID_INPUT', 'Use your security key to sign in');
      }
      const step = await checkTotp(unseal(totpKey, totp.sealedSecret, user.id), code, now, totp.lastUsedStep);
      if (step === null) return refuseSecondFactor(session, user, ctx, 'totp');
      return complete(
        session,
        user,
        'totp',
        ctx,
        (trx, at) => useTotpStep(trx, user.id, step, at),
        enrolling ? [enrolledEntry(user, 'totp', ctx)] : [],
      );
    },

    async webauthnAuthenticationOptions(token: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
      const { session, user } = await pendingSession(token);
      const credentials = await listCredentials(db, user.id);
      if (credentials.length === 0)
        throw new AccessError('INVALID_INPUT', 'No security key is registered for this account');
      const options = await generateAuthenticationOptions({
        rpID: rules.webauthnRpId,
        allowCredentials: credentials.map((c) => ({ id: c.id, transports: [...c.transports] })),
        userVerification: 'preferred',
        timeout: WEBAUTHN_TIMEOUT_MS,
      });
      await setChallenge(db, session.id, {
        value: options.challenge,
        ceremony: 'authentication',
        expiresAt: addMinutes(clock(), CHALLENGE_MINUTES),
      });
      return options;
    },

    /** Step two with a security key. */
    async verifyWebauthn(
      token: string,
      response: AuthenticationResponseJSON,
      ctx: RequestContext = {},
    ): Promise<SignedIn> {
      const { session, user } = await pendingSession(token);
      const now = clock();
      if (lockState(await findThrottle(db, usernameKey(user.username)), now) !== 'open') {
        return refuseLocked(userActor(user), 'auth.second-factor-failed', ctx, session.id);
      }
      const challenge = await db.transaction().execute((trx) => takeChallenge(trx, session.id));
      if (challenge?.ceremony !== 'authentication' || challenge.expiresAt <= now) {
        throw new AccessError('INVALID_INPUT', 'Ask for a new security key challenge and try again');
      }
      const credential = (await listCredentials(db, user.id)).find((c) => c.id === response.id);
      if (credential === undefined) return refuseSecondFactor(session, user, ctx, 'webauthn-unknown-key');
      let newCounter: number;
      try {
        const result = await verifyAuthenticationResponse({
          response,
          expectedChallenge: challenge.value,
          expectedOrigin: rules.webauthnOrigin,
          expectedRPID: rules.webauthnRpId,
          credential: {
            id: credential.id,
            publicKey: new Uint8Array(Buffer.from(credential.publicKey, 'base64url')),
            counter: credential.counter,
            transports: [...credential.transports],
          },
          requireUserVerification: false,
        });
        if (!result.verified) return await refuseSecondFactor(session, user, ctx, 'webauthn');
        newCounter = result.authenticationInfo.newCounter;
      } catch (error) {
        if (error instanceof AccessError) throw error;
        return refuseSecondFactor(session, user, ctx, 'webauthn');
      }
      return complete(session, user, 'webauthn', ctx, (trx, at) =>
        useCredential(trx, credential.id, newCounter, at),
      );
    },

    /** Registering a security key: at the first sign-in, or later while signed in. */
    async webauthnRegistrationOptions(token: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
      const { session, user } = await enrolmentSession(token);
      const credentials = await listCredentials(db, user.id);
      const options = await generateRegistrationOptions({
        rpName: RP_NAME,
        rpID: rules.webauthnRpId,
        userName: user.username,
        userDisplayName: user.displayName,
        // The WebAuthn user handle: the account id, which says nothing about the person.
        userID: new Uint8Array(Buffer.from(user.id.replace(/-/g, ''), 'hex')),
        attestationType: 'none',
        excludeCredentials: credentials.map((c) => ({ id: c.id, transports: [...c.transports] })),
        authenticatorSelection: { residentKey: 'discouraged', userVerification: 'preferred' },
        preferredAuthenticatorType: 'securityKey',
        timeout: WEBAUTHN_TIMEOUT_MS,
      });
      await setChallenge(db, session.id, {
        value: options.challenge,
        ceremony: 'registration',
        expiresAt: addMinutes(clock(), CHALLENGE_MINUTES),
      });
      return options;
    },

    /** Stores the new key; at the first sign-in this also completes signing in. */
    async verifyWebauthnRegistration(
      token: string,
      response: RegistrationResponseJSON,
      name: string | undefined,
      ctx: RequestContext = {},
    ): Promise<SignedIn | { readonly status: 'registered' }> {
      const { session, user, pending } = await enrolmentSession(token);
      const now = clock();
      const challenge = await db.transaction().execute((trx) => takeChallenge(trx, session.id));
      if (challenge?.ceremony !== 'registration' || challenge.expiresAt <= now) {
        throw new AccessError('INVALID_INPUT', 'Ask for a new security key challenge and try again');
      }
      let registered;
      try {
        const result = await verifyRegistrationResponse({
          response,
          expectedChallenge: challenge.value,
          expectedOrigin: rules.webauthnOrigin,
          expectedRPID: rules.webauthnRpId,
          requireUserVerification: false,
        });
        if (!result.verified) throw new AccessError('INVALID_SECOND_FACTOR', SECOND_FACTOR_REFUSED);
        registered = result.registrationInfo.credential;
      } catch (error) {
        if (error instanceof AccessError) throw error;
        throw new AccessError('INVALID_SECOND_FACTOR', 'The security key could not be registered: try again');
      }
      const credential = {
        id: registered.id,
        userId: user.id,
        publicKey: Buffer.from(registered.publicKey).toString('base64url'),
        counter: registered.counter,
        transports: response.response.transports ?? [],
        name: textOrNull(name)?.slice(0, 100) ?? 'Security key',
      };
      const added = enrolledEntry(user, 'security-key', ctx);
      if (pending) {
        return complete(
          session,
          user,
          'webauthn',
          ctx,
          (trx, at) => insertCredential(trx, { ...credential, at }),
          [added],
        );
      }
      await db.transaction().execute(async (trx) => {
        if (!(await insertCredential(trx, { ...credential, at: now }))) {
          throw new AccessError('CONFLICT', 'That security key is already registered');
        }
        await audit(trx, [added]);
      });
      return { status: 'registered' };
    },

    /** Ends the session the token belongs to, whatever its stage. */
    async signOut(token: string, ctx: RequestContext = {}): Promise<void> {
      if (!SESSION_TOKEN.test(token)) return;
      const session = await findSessionByTokenHash(db, hashSessionToken(token));
      if (session === undefined) return;
      const user = await findUserById(db, session.userId);
      await db.transaction().execute(async (trx) => {
        await deleteSession(trx, session.id);
        if (user !== undefined && session.stage === 'complete') {
          await audit(trx, [
            {
              actor: userActor(user),
              action: 'auth.sign-out',
              outcome: 'success',
              ...(ctx.requestId === undefined ? {} : { requestId: ctx.requestId }),
            },
          ]);
        }
      });
    },
  };
}

export type SignInService = ReturnType<typeof createSignInService>;
