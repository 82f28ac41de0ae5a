import type { Kysely } from 'kysely';
import type { AccessConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import {
  LA_GRANTABLE_ROLES,
  LA_SCOPED_ROLES,
  isOrganisationKind,
  isRole,
  normaliseUsername,
  type Actor,
  type IsoDate,
  type Organisation,
  type Principal,
  type Role,
  type User,
  type UserWithSecrets,
} from './access.model.ts';
import { AccessError } from './access.errors.ts';
import { publicUser, textOrNull, type Executor } from './access.mappers.ts';
import {
  actorOf,
  anonymousActor,
  userActor,
  userTarget,
  SYSTEM_ACTOR,
  type AccessAudit,
} from './access-audit.ts';
import { isIsoDate, londonDate, type Clock } from './clock.ts';
import type { PasswordHasher, PasswordPolicy } from './password.ts';
import { randomToken, safeEqual, sha256Hex } from './secrets.ts';
import { usernameKey } from './sign-in-name.ts';
import { clearThrottle } from './throttle.repository.ts';
import { deleteSessionsOfUser } from './session.repository.ts';
import {
  expireIdleUsers,
  findOrganisation,
  findOrganisationByName,
  findUserById,
  findUserByIdForUpdate,
  findUserByUsername,
  insertOrganisation,
  insertUser,
  listOrganisations,
  listUsers,
  localAuthorityExists,
  setPassword,
  updateChecks,
  updateStatus,
  usernameTaken,
} from './user.repository.ts';

/** A new user sets their password with a one-time code, shown once to whoever registered them. */
const ACTIVATION_DAYS = 7;
const USERNAME = /^[a-z0-9][a-z0-9._@+-]{2,99}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface RegistrationInput {
  readonly username: string;
  readonly displayName: string;
  readonly email?: string | null | undefined;
  readonly phone?: string | null | undefined;
  readonly organisationId: string;
  readonly roles: readonly string[];
  /** Operators only: an LA manager's users always belong to the manager's LA. */
  readonly localAuthority?: string | null | undefined;
  readonly enhancedCheckDate?: IsoDate | null | undefined;
  readonly trainingCompletedDate?: IsoDate | null | undefined;
}

export interface Registration {
  readonly user: User;
  /** For people: the one-time code to set a password with. Null for system accounts. */
  readonly activationCode: string | null;
  readonly activationExpiresAt: Date | null;
}

export interface UserServiceDeps {
  readonly db: Kysely<Database>;
  readonly config: { readonly access: AccessConfig };
  readonly clock: Clock;
  readonly audit: AccessAudit;
  readonly passwords: PasswordHasher;
  readonly policy: PasswordPolicy;
}

function invalid(message: string): never {
  throw new AccessError('INVALID_INPUT', message);
}

function checkDate(value: IsoDate | null | undefined, what: string, today: string): IsoDate | null {
  if (value === undefined || value === null || value === '') return null;
  if (!isIsoDate(value)) invalid(`${what} must be a date written YYYY-MM-DD`);
  if (value > today) invalid(`${what} cannot be in the future`);
  return value;
}

function rolesOf(values: readonly string[]): Role[] {
  const roles = [...new Set(values)];
  if (roles.length === 0) invalid('Give the user at least one role');
  const unknown = roles.filter((role) => !isRole(role));
  if (unknown.length > 0) invalid(`Unknown role: ${unknown.join(', ')}`);
  const known = roles.filter(isRole);
  if (known.includes('feed') && known.length > 1) invalid('A system (feed) account can hold no other role');
  return known;
}

/**
 * The LA management team manages the users of its own LA; an operator at the command line manages
 * everyone. A user outside the manager's LA reads as not found, like one that does not exist.
 */
export function assertManages(actor: Actor, target: User): void {
  if (actor.kind === 'operator') return;
  const { principal } = actor;
  if (!principal.roles.includes('la_management') || principal.la === null) {
    throw new AccessError('FORBIDDEN', 'Only your local authority ContactPoint management team can do that');
  }
  if (target.localAuthority !== principal.la) throw new AccessError('NOT_FOUND', 'No such user');
}

function assertIsManager(actor: Actor): void {
  if (
    actor.kind === 'user' &&
    (!actor.principal.roles.includes('la_management') || actor.principal.la === null)
  ) {
    throw new AccessError('FORBIDDEN', 'Only your local authority ContactPoint management team can do that');
  }
}

export function createUserService(deps: UserServiceDeps) {
  const { db, clock, audit, passwords, policy } = deps;
  const rules = deps.config.access;

  async function loadManaged(trx: Executor, actor: Actor, userId: string): Promise<UserWithSecrets> {
    const user = await findUserByIdForUpdate(trx, userId);
    if (user === undefined) throw new AccessError('NOT_FOUND', 'No such user');
    assertManages(actor, user);
    return user;
  }

  async function organisationFor(
    actor: Actor,
    organisationId: string,
    localAuthority: string | null,
  ): Promise<Organisation> {
    const organisation = await findOrganisation(db, organisationId);
    if (organisation === undefined) throw new AccessError('NOT_FOUND', 'No such organisation');
    if (organisation.localAuthority !== null && organisation.localAuthority !== localAuthority) {
      // To a manager, another LA's organisation is as good as absent.
      if (actor.kind === 'user') throw new AccessError('NOT_FOUND', 'No such organisation');
      invalid(
        `The organisation belongs to LA ${organisation.localAuthority}, not ${localAuthority ?? '(national)'}`,
      );
    }
    return organisation;
  }

  return {
    async register(actor: Actor, input: RegistrationInput): Promise<Registration> {
      assertIsManager(actor);
      const now = clock();
      const today = londonDate(now);
      const username = normaliseUsername(input.username);
      if (!USERNAME.test(username)) {
        invalid('A username is 3 to 100 letters, digits and . _ @ + - (usually the work email address)');
      }
      const displayName = input.displayName.trim();
      if (displayName === '' || displayName.length > 200)
        invalid('Give the user’s name (up to 200 characters)');
      const roles = rolesOf(input.roles);
      const system = roles.includes('feed');
      const email = textOrNull(input.email)?.toLowerCase() ?? null;
      if (email !== null && !EMAIL.test(email)) invalid('The email address is not valid');
      if (email === null && !system) invalid('Give the user’s work email address');
      const phone = textOrNull(input.phone);

      let localAuthority: string | null;
      if (actor.kind === 'user') {
        const refused = roles.filter((role) => !LA_GRANTABLE_ROLES.includes(role));
        if (refused.length > 0) {
          throw new AccessError('FORBIDDEN', `Only an operator can grant the role ${refused.join(', ')}`);
        }
        localAuthority = actor.principal.la;
      } else {
        localAuthority = textOrNull(input.localAuthority);
        if (localAuthority !== null && !(await localAuthorityExists(db, localAuthority))) {
          invalid(`There is no local authority with code ${localAuthority}`);
        }
      }
      if (localAuthority === null && roles.some((role) => LA_SCOPED_ROLES.includes(role))) {
        invalid('Management and shielder roles need the user’s local authority');
      }
      const organisation = await organisationFor(actor, input.organisationId, localAuthority);
      const enhancedCheckDate = system
        ? null
        : checkDate(input.enhancedCheckDate, 'The enhanced check date', today);
      const trainingCompletedDate = system
        ? null
        : checkDate(input.trainingCompletedDate, 'The training completion date', today);

      const activationCode = system ? null : randomToken(16);
      const activationExpiresAt = system ? null : new Date(now.getTime() + ACTIVATION_DAYS * 86_400_000);
      const user = await db.transaction().execute(async (trx) => {
        if (await usernameTaken(trx, username))
          throw new AccessError('CONFLICT', 'That username is already taken');
        const created = await insertUser(trx, {
          username,
          display_name: displayName,
          email,
          phone,
          roles,
          organisation_id: organisation.id,
          local_authority: localAuthority,
          enhanced_check_date: enhancedCheckDate,
          training_completed_date: trainingCompletedDate,
          created_by: actor.kind === 'user' ? actor.principal.userId : null,
          created_at: now,
          last_active_at: now,
          activation_code_hash: activationCode === null ? null : sha256Hex(activationCode),
          activation_expires_at: activationExpiresAt,
        });
        await audit(trx, [
          {
            actor: actorOf(actor),
            action: 'user.register',
            outcome: 'success',
            target: userTarget(created.id),
            details: { roles, localAuthority, organisationId: organisation.id },
          },
        ]);
        return created;
      });
      return { user: publicUser(user), activationCode, activationExpiresAt };
    },

    /**
     * A new user sets their password with the code they were given. Every refusal before the code is
     * proved reads the same, so this cannot be used to find out which usernames exist.
     */
    async activate(input: { username: string; code: string; password: string }): Promise<void> {
      const now = clock();
      const username = normaliseUsername(input.username);
      const user = username.length <= 100 ? await findUserByUsername(db, username) : undefined;
      const codeHash = sha256Hex(input.code.trim());
      const matches = safeEqual(user?.activationCodeHash ?? '', codeHash);
      if (
        user === undefined ||
        !matches ||
        user.activationExpiresAt === null ||
        user.activationExpiresAt <= now ||
        user.status !== 'active'
      ) {
        await db.transaction().execute((trx) =>
          audit(trx, [
            {
              actor: user === undefined ? anonymousActor(input.username) : userActor(user),
              action: 'auth.password-set',
              outcome: 'failure',
              details: { reason: 'activation-code-refused' },
            },
          ]),
        );
        throw new AccessError('INVALID_CREDENTIALS', 'That activation code is not right, or it has expired');
      }
      const verdict = policy.check(input.password, [user.username, user.displayName, user.email ?? '']);
      if (!verdict.ok) throw new AccessError('WEAK_PASSWORD', verdict.reason);
      const passwordHash = await passwords.hash(input.password);
      await db.transaction().execute(async (trx) => {
        await setPassword(trx, user.id, passwordHash, now);
        await audit(trx, [
          {
            actor: userActor(user),
            action: 'auth.password-set',
            outcome: 'success',
            target: userTarget(user.id),
          },
        ]);
      });
    },

    async suspend(actor: Actor, userId: string, reason: string | null): Promise<User> {
      if (actor.kind === 'user' && actor.principal.userId === userId) {
        throw new AccessError('FORBIDDEN', 'You cannot suspend your own account');
      }
      return db.transaction().execute(async (trx) => {
        await loadManaged(trx, actor, userId);
        const user = await updateStatus(trx, userId, {
          status: 'suspended',
          reason: textOrNull(reason),
          by: actor.kind === 'user' ? actor.principal.userId : null,
          at: clock(),
        });
        await deleteSessionsOfUser(trx, userId);
        await audit(trx, [
          {
            actor: actorOf(actor),
            action: 'user.suspend',
            outcome: 'success',
            target: userTarget(userId),
            details: { reason: user.statusReason },
          },
        ]);
        return publicUser(user);
      });
    },

    async reactivate(actor: Actor, userId: string): Promise<User> {
      return db.transaction().execute(async (trx) => {
        const before = await loadManaged(trx, actor, userId);
        const user = await updateStatus(trx, userId, {
          status: 'active',
          reason: null,
          by: actor.kind === 'user' ? actor.principal.userId : null,
          at: clock(),
          active: true,
        });
        await audit(trx, [
          {
            actor: actorOf(actor),
            action: 'user.reactivate',
            outcome: 'success',
            target: userTarget(userId),
            details: { from: before.status },
          },
        ]);
        return publicUser(user);
      });
    },

    async expire(actor: Actor, userId: string, reason: string | null): Promise<User> {
      return db.transaction().execute(async (trx) => {
        await loadManaged(trx, actor, userId);
        const user = await updateStatus(trx, userId, {
          status: 'expired',
          reason: textOrNull(reason),
          by: actor.kind === 'user' ? actor.principal.userId : null,
          at: clock(),
        });
        await deleteSessionsOfUser(trx, userId);
        await audit(trx, [
          {
            actor: actorOf(actor),
            action: 'user.expire',
            outcome: 'success',
            target: userTarget(userId),
            details: { reason: user.statusReason },
          },
        ]);
        return publicUser(user);
      });
    },

    /** The scheduled sweep: every active account unused for the idle limit expires. */
    async expireIdle(): Promise<number> {
      const now = clock();
      const cutoff = new Date(now.getTime() - rules.accountIdleExpiryDays * 86_400_000);
      return db.transaction().execute(async (trx) => {
        const ids = await expireIdleUsers(
          trx,
          cutoff,
          now,
          `not used for ${rules.accountIdleExpiryDays} days`,
        );
        for (const id of ids) await deleteSessionsOfUser(trx, id);
        await audit(
          trx,
          ids.map((id) => ({
            actor: SYSTEM_ACTOR,
            action: 'user.expire' as const,
            outcome: 'success' as const,
            target: userTarget(id),
            details: { reason: 'idle' },
          })),
        );
        return ids.length;
      });
    },

    /** Lifts a lockout, temporary or permanent. */
    async unlock(actor: Actor, userId: string): Promise<User> {
      return db.transaction().execute(async (trx) => {
        const user = await loadManaged(trx, actor, userId);
        await clearThrottle(trx, usernameKey(user.username));
        await audit(trx, [
          {
            actor: actorOf(actor),
            action: 'user.unlock',
            outcome: 'success',
            target: userTarget(userId),
          },
        ]);
        return publicUser(user);
      });
    },

    /** Records a renewed enhanced check or completed training. */
    async recordChecks(
      actor: Actor,
      userId: string,
      checks: { enhancedCheckDate?: IsoDate | null; trainingCompletedDate?: IsoDate | null },
    ): Promise<User> {
      const today = londonDate(clock());
      return db.transaction().execute(async (trx) => {
        const before = await loadManaged(trx, actor, userId);
        const user = await updateChecks(trx, userId, {
          enhancedCheckDate:
            checks.enhancedCheckDate === undefined
              ? before.enhancedCheckDate
              : checkDate(checks.enhancedCheckDate, 'The enhanced check date', today),
          trainingCompletedDate:
            checks.trainingCompletedDate === undefined
              ? before.trainingCompletedDate
              : checkDate(checks.trainingCompletedDate, 'The training completion date', today),
        });
        await audit(trx, [
          {
            actor: actorOf(actor),
            action: 'user.checks-recorded',
            outcome: 'success',
            target: userTarget(userId),
            details: {
              enhancedCheckDate: user.enhancedCheckDate,
              trainingCompletedDate: user.trainingCompletedDate,
            },
          },
        ]);
        return publicUser(user);
      });
    },

    async get(actor: Actor, userId: string): Promise<User> {
      const user = await findUserById(db, userId);
      if (user === undefined) throw new AccessError('NOT_FOUND', 'No such user');
      assertManages(actor, user);
      return publicUser(user);
    },

    /** The caller's own account. */
    async me(principal: Principal): Promise<User> {
      const user = await findUserById(db, principal.userId);
      if (user === undefined) throw new AccessError('UNAUTHENTICATED', 'Sign in to continue');
      return publicUser(user);
    },

    async getByUsername(actor: Actor, username: string): Promise<User> {
      const user = await findUserByUsername(db, normaliseUsername(username));
      if (user === undefined) throw new AccessError('NOT_FOUND', `No user is called ${username}`);
      assertManages(actor, user);
      return publicUser(user);
    },

    /** A manager sees the users of their own LA; an operator sees all, or one LA's. */
    async list(actor: Actor, filter: { localAuthority?: string } = {}): Promise<User[]> {
      assertIsManager(actor);
      const localAuthority =
        actor.kind === 'user' ? (actor.principal.la ?? undefined) : filter.localAuthority;
      return (await listUsers(db, { localAuthority })).map(publicUser);
    },

    async createOrganisation(
      actor: Actor,
      input: { name: string; kind: string; localAuthority?: string | null },
    ): Promise<Organisation> {
      assertIsManager(actor);
      const name = input.name.trim();
      if (name === '' || name.length > 200) invalid('Give the organisation’s name (up to 200 characters)');
      if (!isOrganisationKind(input.kind)) invalid(`Unknown kind of organisation: ${input.kind}`);
      const kind = input.kind;
      const localAuthority = actor.kind === 'user' ? actor.principal.la : textOrNull(input.localAuthority);
      if (localAuthority !== null && !(await localAuthorityExists(db, localAuthority))) {
        invalid(`There is no local authority with code ${localAuthority}`);
      }
      return db.transaction().execute(async (trx) => {
        if ((await findOrganisationByName(trx, name, localAuthority)) !== undefined) {
          throw new AccessError('CONFLICT', 'An organisation of that name already exists there');
        }
        const organisation = await insertOrganisation(trx, { name, kind, localAuthority });
        await audit(trx, [
          {
            actor: actorOf(actor),
            action: 'organisation.create',
            outcome: 'success',
            target: `organisation:${organisation.id}`,
            details: { kind, localAuthority },
          },
        ]);
        return organisation;
      });
    },

    async listOrganisations(actor: Actor, filter: { localAuthority?: string } = {}): Promise<Organisation[]> {
      const localAuthority =
        actor.kind === 'user' ? (actor.principal.la ?? undefined) : filter.localAuthority;
      return listOrganisations(db, { localAuthority });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
