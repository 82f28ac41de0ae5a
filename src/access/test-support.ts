import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import pino from 'pino';
import { expect } from 'vitest';
import type { AuditEntryInput } from '../audit/audit.model.ts';
import { createApp } from '../app.ts';
import { loadConfig, type AccessConfig, type Config } from '../config.ts';
import { createServices, type Services } from '../services.ts';
import { openTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import type { Actor, Role, User } from './access.model.ts';
import { recordAccessAudit } from './access-audit.ts';
import { CSRF_HEADER, sessionCookie } from './authenticate.ts';
import { createPasswordHasher } from './password.ts';
import { seal } from './secrets.ts';
import { saveUnconfirmedTotp, useTotpStep } from './second-factor.repository.ts';
import { newTotpSecret } from './totp.ts';
import { ensureLocalAuthority, insertOrganisation } from './user.repository.ts';

/** Tests and the demo use passwords that pass the policy; this one is for tests only. */
export const TEST_PASSWORD = 'tangerine orbit violin kettle';
export const OPERATOR: Actor = { kind: 'operator', name: 'test operator' };

export interface FakeClock {
  readonly now: () => Date;
  set(at: Date | string): void;
  advanceMinutes(minutes: number): void;
}

export function fakeClock(start = '2026-11-25T09:00:00Z'): FakeClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set(at) {
      current = new Date(at).getTime();
    },
    advanceMinutes(minutes) {
      current += minutes * 60_000;
    },
  };
}

export interface AccessTestContext {
  readonly database: TestDatabase;
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly config: Config;
  readonly clock: FakeClock;
  /** Every audit entry the access services recorded (they are in the real trail too). */
  readonly audited: AuditEntryInput[];
  /** Two LAs, each with one organisation. */
  readonly la: { readonly code: string; readonly organisationId: string };
  readonly otherLa: { readonly code: string; readonly organisationId: string };
  readonly cookieName: string;
  /** How many real and dummy password verifications sign-in has made. */
  readonly passwordChecks: { real: number; dummy: number };
  close(): Promise<void>;
}

/**
 * The real application over a database of its own, with a clock the test controls. Rate limits are
 * high unless a test lowers them, so tests that sign in often are not throttled by accident.
 */
export async function createAccessTestContext(
  access: Partial<AccessConfig> = {},
  settings: Partial<Omit<Config, 'access'>> = {},
): Promise<AccessTestContext> {
  const database = await openTestDatabase();
  const base = loadConfig({ NODE_ENV: 'test' }, { databaseUrl: undefined, dataDir: database.location });
  const config = loadConfig(
    { NODE_ENV: 'test' },
    {
      ...settings,
      databaseUrl: undefined,
      dataDir: database.location,
      access: {
        ...base.access,
        signInRateLimitPerAddress: 10_000,
        signInRateLimitPerAccount: 10_000,
        ...access,
      },
    },
  );
  const clock = fakeClock();
  const audited: AuditEntryInput[] = [];
  const hasher = createPasswordHasher();
  const passwordChecks = { real: 0, dummy: 0 };
  const services = createServices({
    config,
    database,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    clock: clock.now,
    passwords: {
      hash: (password) => hasher.hash(password),
      verify: (hash, password) => {
        passwordChecks.real += 1;
        return hasher.verify(hash, password);
      },
      verifyDummy: (password) => {
        passwordChecks.dummy += 1;
        return hasher.verifyDummy(password);
      },
    },
    accessAudit: async (trx, entries) => {
      audited.push(...entries);
      return recordAccessAudit(trx, entries);
    },
  });
  const app = await createApp(services);
  const db = database.db;
  const team = {
    teamName: 'Children’s services',
    teamPhone: '020 7974 1234',
    teamEmail: 'cp@camden.example',
  };
  await ensureLocalAuthority(db, { code: '202', name: 'Camden', ...team });
  await ensureLocalAuthority(db, { code: '204', name: 'Hackney', ...team });
  const camden = await insertOrganisation(db, {
    name: 'Camden Council',
    kind: 'local_authority',
    localAuthority: '202',
  });
  const hackney = await insertOrganisation(db, {
    name: 'Hackney Council',
    kind: 'local_authority',
    localAuthority: '204',
  });
  return {
    database,
    app,
    services,
    config,
    clock,
    audited,
    la: { code: '202', organisationId: camden.id },
    otherLa: { code: '204', organisationId: hackney.id },
    cookieName: sessionCookie(config.access).name,
    passwordChecks,
    async close() {
      await app.close();
      await database.dispose();
    },
  };
}

export interface TestPerson {
  readonly user: User;
  readonly password: string;
  /** Null when the person has not enrolled an authenticator app. */
  readonly totpSecret: string | null;
}

let serial = 0;

/**
 * A registered, activated person with current checks. `totp: false` leaves them to enrol at their
 * first sign-in.
 */
export async function createPerson(
  ctx: AccessTestContext,
  options: {
    roles?: Role[];
    la?: 'la' | 'otherLa';
    username?: string;
    displayName?: string;
    enhancedCheckDate?: string | null;
    trainingCompletedDate?: string | null;
    totp?: boolean;
  } = {},
): Promise<TestPerson> {
  serial += 1;
  const where = ctx[options.la ?? 'la'];
  const username = options.username ?? `person${serial}@camden.example`;
  const registration = await ctx.services.access.users.register(OPERATOR, {
    username,
    displayName: options.displayName ?? `Test Person ${serial}`,
    email: username.includes('@') ? username : `${username}@camden.example`,
    organisationId: where.organisationId,
    localAuthority: where.code,
    roles: options.roles ?? ['practitioner'],
    enhancedCheckDate: options.enhancedCheckDate === undefined ? '2026-01-10' : options.enhancedCheckDate,
    trainingCompletedDate:
      options.trainingCompletedDate === undefined ? '2026-02-01' : options.trainingCompletedDate,
  });
  await ctx.services.access.users.activate({
    username,
    code: registration.activationCode ?? '',
    password: TEST_PASSWORD,
  });
  let totpSecret: string | null = null;
  if (options.totp !== false) {
    totpSecret = newTotpSecret();
    const key = Buffer.from(ctx.config.access.totpSecretKey, 'hex');
    await saveUnconfirmedTotp(
      ctx.database.db,
      registration.user.id,
      seal(key, totpSecret, registration.user.id),
      ctx.clock.now(),
    );
    await useTotpStep(ctx.database.db, registration.user.id, 0, ctx.clock.now());
  }
  return { user: registration.user, password: TEST_PASSWORD, totpSecret };
}

export function totpCode(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000) });
}

/** The session cookie a response set, if any. */
export function sessionCookieOf(
  ctx: AccessTestContext,
  response: LightMyRequestResponse,
): string | undefined {
  return response.cookies.find((c) => c.name === ctx.cookieName && c.value !== '')?.value;
}

export interface SignedInSession {
  readonly cookie: string;
  readonly csrfToken: string;
  /** Headers for a request made with this session. */
  readonly headers: Record<string, string>;
}

export function sessionHeaders(
  ctx: AccessTestContext,
  cookie: string,
  csrfToken?: string,
): Record<string, string> {
  return {
    cookie: `${ctx.cookieName}=${cookie}`,
    ...(csrfToken === undefined ? {} : { [CSRF_HEADER]: csrfToken }),
  };
}

/** The password step over HTTP; expects it to succeed. */
export async function passwordStep(
  ctx: AccessTestContext,
  username: string,
  password: string,
  remoteAddress?: string,
): Promise<{ cookie: string; csrfToken: string; status: string }> {
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/sign-in',
    payload: { username, password },
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
  });
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json<{ status: string; csrfToken: string }>();
  const cookie = sessionCookieOf(ctx, response);
  expect(cookie).toBeDefined();
  return { cookie: cookie ?? '', csrfToken: body.csrfToken, status: body.status };
}

/** Both steps over HTTP, as a browser would; expects them to succeed. */
export async function signIn(ctx: AccessTestContext, person: TestPerson): Promise<SignedInSession> {
  const pending = await passwordStep(ctx, person.user.username, person.password);
  if (person.totpSecret === null) throw new Error('this person has no authenticator app');
  const response = await ctx.app.inject({
    method: 'POST',
    url: '/api/sign-in/totp',
    headers: sessionHeaders(ctx, pending.cookie, pending.csrfToken),
    payload: { code: await totpCode(person.totpSecret, ctx.clock.now()) },
  });
  expect(response.statusCode, response.body).toBe(200);
  const cookie = sessionCookieOf(ctx, response) ?? '';
  const { csrfToken } = response.json<{ csrfToken: string }>();
  // Each TOTP code is good once: later sign-ins in the same test need the next time step.
  ctx.clock.advanceMinutes(0.5);
  return { cookie, csrfToken, headers: sessionHeaders(ctx, cookie, csrfToken) };
}
