import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccessTestContext,
  createPerson,
  OPERATOR,
  passwordStep,
  sessionCookieOf,
  sessionHeaders,
  signIn,
  totpCode,
  type AccessTestContext,
  type TestPerson,
} from './test-support.ts';

let ctx: AccessTestContext;
beforeAll(async () => {
  ctx = await createAccessTestContext();
});
afterAll(async () => {
  await ctx.close();
});

async function attempt(username: string, password: string, remoteAddress?: string) {
  return ctx.app.inject({
    method: 'POST',
    url: '/api/sign-in',
    payload: { username, password },
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
  });
}

async function me(headers: Record<string, string>) {
  return ctx.app.inject({ method: 'GET', url: '/api/me', headers });
}

describe('signing in with a password and TOTP', () => {
  let person: TestPerson;
  beforeAll(async () => {
    person = await createPerson(ctx, { displayName: 'Priya Shah' });
  });

  it('signs in, rotating the session id after the password and again after the second factor', async () => {
    const pending = await passwordStep(ctx, person.user.username, person.password);
    expect(pending.status).toBe('second-factor-required');
    // Half signed in grants nothing.
    expect((await me(sessionHeaders(ctx, pending.cookie))).statusCode).toBe(401);

    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/sign-in/totp',
      headers: sessionHeaders(ctx, pending.cookie, pending.csrfToken),
      payload: { code: await totpCode(person.totpSecret ?? '', ctx.clock.now()) },
    });
    expect(response.statusCode, response.body).toBe(200);
    const full = sessionCookieOf(ctx, response);
    expect(full).toBeDefined();
    expect(full).not.toBe(pending.cookie);
    const { csrfToken } = response.json<{ csrfToken: string }>();
    expect(csrfToken).not.toBe(pending.csrfToken);

    const who = await me(sessionHeaders(ctx, full ?? ''));
    expect(who.statusCode).toBe(200);
    expect(who.json()).toMatchObject({
      user: { id: person.user.id, username: person.user.username, roles: ['practitioner'] },
      via: 'session',
      csrfToken,
    });
    expect(who.json<{ user: Record<string, unknown> }>().user).not.toHaveProperty('passwordHash');
    expect(who.headers['cache-control']).toBe('no-store');
    // The half session is gone: its token cannot be replayed.
    const replay = await ctx.app.inject({
      method: 'POST',
      url: '/api/sign-in/totp',
      headers: sessionHeaders(ctx, pending.cookie, pending.csrfToken),
      payload: { code: '000000' },
    });
    expect(replay.statusCode).toBe(401);
    ctx.clock.advanceMinutes(0.5);
  });

  it('sets the session cookie HttpOnly and SameSite=Strict, and ends any session the browser already had', async () => {
    const first = await signIn(ctx, person);
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/sign-in',
      headers: sessionHeaders(ctx, first.cookie, first.csrfToken),
      payload: { username: person.user.username, password: person.password },
    });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === ctx.cookieName);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie?.value).not.toBe(first.cookie);
    // Tests run over plain http, so Secure is off here (COOKIE_SECURE); production refuses that.
    expect(cookie?.secure).toBeFalsy();
    expect((await me(first.headers)).statusCode).toBe(401);
  });

  it('stores only a hash of each session token', async () => {
    const session = await signIn(ctx, person);
    const rows = await sql<{ token_hash: string }>`select token_hash from user_session`.execute(
      ctx.database.db,
    );
    expect(rows.rows.length).toBeGreaterThan(0);
    expect(rows.rows.some((row) => row.token_hash === session.cookie)).toBe(false);
    expect(rows.rows.every((row) => /^[0-9a-f]{64}$/.test(row.token_hash))).toBe(true);
  });

  it('refuses a TOTP code used again within its window', async () => {
    const first = await passwordStep(ctx, person.user.username, person.password);
    const code = await totpCode(person.totpSecret ?? '', ctx.clock.now());
    const ok = await ctx.app.inject({
      method: 'POST',
      url: '/api/sign-in/totp',
      headers: sessionHeaders(ctx, first.cookie, first.csrfToken),
      payload: { code },
    });
    expect(ok.statusCode).toBe(200);

    ctx.clock.advanceMinutes(0.25);
    const second = await passwordStep(ctx, person.user.username, person.password);
    const replayed = await ctx.app.inject({
      method: 'POST',
      url: '/api/sign-in/totp',
      headers: sessionHeaders(ctx, second.cookie, second.csrfToken),
      payload: { code },
    });
    expect(replayed.statusCode).toBe(401);
    expect(replayed.json()).toMatchObject({ error: { code: 'INVALID_SECOND_FACTOR' } });
    ctx.clock.advanceMinutes(0.5);
    await ctx.services.access.users.unlock(OPERATOR, person.user.id);
  });

  it('ends a session after the idle limit, and slides it while in use', async () => {
    const session = await signIn(ctx, person);
    ctx.clock.advanceMinutes(14);
    expect((await me(session.headers)).statusCode).toBe(200);
    ctx.clock.advanceMinutes(14);
    expect((await me(session.headers)).statusCode).toBe(200);
    ctx.clock.advanceMinutes(16);
    const ended = await me(session.headers);
    expect(ended.statusCode).toBe(401);
    expect(ended.json()).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    expect(ended.cookies.find((c) => c.name === ctx.cookieName)?.value).toBe('');
  });

  it('ends a session at the absolute limit however busy it is', async () => {
    const session = await signIn(ctx, person);
    for (let minutes = 0; minutes < 10 * 60 - 10; minutes += 10) {
      ctx.clock.advanceMinutes(10);
      expect((await me(session.headers)).statusCode).toBe(200);
    }
    ctx.clock.advanceMinutes(10);
    expect((await me(session.headers)).statusCode).toBe(401);
  });

  it('signs out, refusing the session afterwards', async () => {
    const session = await signIn(ctx, person);
    const out = await ctx.app.inject({ method: 'POST', url: '/api/sign-out', headers: session.headers });
    expect(out.statusCode).toBe(204);
    expect((await me(session.headers)).statusCode).toBe(401);
  });
});

describe('refusals that do not reveal whether an account exists', () => {
  it('answers a wrong password and an unknown name alike, verifying a dummy hash for the unknown name', async () => {
    const person = await createPerson(ctx);
    ctx.passwordChecks.real = 0;
    ctx.passwordChecks.dummy = 0;
    const wrong = await attempt(person.user.username, 'not the password at all');
    expect(ctx.passwordChecks).toEqual({ real: 1, dummy: 0 });
    const unknown = await attempt('nobody@camden.example', 'not the password at all');
    // The unknown name costs an argon2 verification too, so timing does not tell them apart.
    expect(ctx.passwordChecks).toEqual({ real: 1, dummy: 1 });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json<{ error: { code: string; message: string } }>().error).toEqual({
      ...unknown.json<{ error: { code: string; message: string } }>().error,
      requestId: expect.any(String) as string,
    });
    // A system account has no password: it is refused the same way, after the same work.
    const feed = await ctx.services.access.users.register(OPERATOR, {
      username: 'school-census-feed',
      displayName: 'School census feed',
      organisationId: ctx.la.organisationId,
      localAuthority: ctx.la.code,
      roles: ['feed'],
    });
    const system = await attempt(feed.user.username, 'anything at all here');
    expect(system.json()).toMatchObject({ error: { code: 'INVALID_CREDENTIALS' } });
    expect(ctx.passwordChecks).toEqual({ real: 1, dummy: 2 });
  });
});

describe('brute force', () => {
  it('locks an account after 5 failures for 15 minutes, then permanently after 15 until management unlocks it', async () => {
    const person = await createPerson(ctx);
    const name = person.user.username;
    for (let i = 1; i <= 4; i += 1) expect((await attempt(name, `wrong guess ${i}`)).statusCode).toBe(401);
    const fifth = await attempt(name, 'wrong guess 5');
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json()).toMatchObject({ error: { code: 'LOCKED' } });
    // The right password does not get through a lock.
    expect((await attempt(name, person.password)).statusCode).toBe(423);

    ctx.clock.advanceMinutes(16);
    await signIn(ctx, person);

    // A success clears the count; fifteen failures in a row lock for good.
    for (let round = 0; round < 3; round += 1) {
      for (let i = 0; i < 5; i += 1) await attempt(name, `wrong again ${round}-${i}`);
      ctx.clock.advanceMinutes(16);
    }
    const permanent = await attempt(name, person.password);
    expect(permanent.statusCode).toBe(423);
    ctx.clock.advanceMinutes(60 * 24 * 3);
    expect((await attempt(name, person.password)).statusCode).toBe(423);

    await ctx.services.access.users.unlock(OPERATOR, person.user.id);
    await signIn(ctx, person);
    expect(ctx.audited.some((e) => e.action === 'auth.locked' && e.details?.lock === 'permanent')).toBe(true);
  });

  it('locks an unknown name exactly as it locks a real one', async () => {
    const name = 'no-such-person@camden.example';
    for (let i = 1; i <= 4; i += 1) expect((await attempt(name, `guess ${i}`)).statusCode).toBe(401);
    const fifth = await attempt(name, 'guess 5');
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json()).toMatchObject({ error: { code: 'LOCKED' } });
  });

  it('counts wrong second-factor codes towards the same lock', async () => {
    const person = await createPerson(ctx);
    const pending = await passwordStep(ctx, person.user.username, person.password);
    const right = await totpCode(person.totpSecret ?? '', ctx.clock.now());
    const wrong = right === '123456' ? '654321' : '123456';
    const codes = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/api/sign-in/totp',
        headers: sessionHeaders(ctx, pending.cookie, pending.csrfToken),
        payload: { code: wrong },
      });
      codes.push(response.statusCode);
    }
    expect(codes).toEqual([401, 401, 401, 401, 423]);
    expect((await attempt(person.user.username, person.password)).statusCode).toBe(423);
  });

  it('records every attempt in the audit trail, in the same transaction', async () => {
    const person = await createPerson(ctx);
    const before = ctx.audited.length;
    await attempt(person.user.username, 'wrong password here');
    await signIn(ctx, person);
    const actions = ctx.audited.slice(before).map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(['auth.sign-in-failed:failure', 'auth.sign-in:success']);
    const stored = await sql<{
      n: number;
    }>`select count(*)::int as n from audit_entry where actor = ${person.user.id} and action like 'auth.sign-in%'`.execute(
      ctx.database.db,
    );
    expect(stored.rows[0]?.n).toBe(2);
  });
});

describe('accounts that may not sign in', () => {
  async function refusedWith(person: TestPerson) {
    const response = await attempt(person.user.username, person.password);
    expect(response.statusCode).toBe(403);
    return response.json<{ error: { code: string; message: string } }>().error;
  }

  it('refuses an enhanced check older than its validity', async () => {
    ctx.clock.set('2026-11-25T12:00:00Z');
    // 1096 days before 2026-11-25 is too old; 1094 is not.
    const person = await createPerson(ctx, { enhancedCheckDate: '2023-11-24' });
    expect(await refusedWith(person)).toMatchObject({
      code: 'ACCOUNT_UNAVAILABLE',
      message: expect.stringMatching(/out of date/) as string,
    });
    const current = await createPerson(ctx, { enhancedCheckDate: '2023-11-26' });
    await signIn(ctx, current);
  });

  it('refuses a user without an enhanced check or without training', async () => {
    const noCheck = await createPerson(ctx, { enhancedCheckDate: null });
    expect(await refusedWith(noCheck)).toMatchObject({
      code: 'ACCOUNT_UNAVAILABLE',
      message: expect.stringMatching(/enhanced/) as string,
    });
    const noTraining = await createPerson(ctx, { trainingCompletedDate: null });
    expect(await refusedWith(noTraining)).toMatchObject({
      code: 'ACCOUNT_UNAVAILABLE',
      message: expect.stringMatching(/training/) as string,
    });
  });

  it('refuses suspended and expired accounts, and ends their sessions', async () => {
    const suspended = await createPerson(ctx);
    const session = await signIn(ctx, suspended);
    await ctx.services.access.users.suspend(OPERATOR, suspended.user.id, 'left the organisation');
    expect((await me(session.headers)).statusCode).toBe(401);
    expect(await refusedWith(suspended)).toMatchObject({
      message: expect.stringMatching(/suspended/) as string,
    });

    const expired = await createPerson(ctx);
    await ctx.services.access.users.expire(OPERATOR, expired.user.id, null);
    expect(await refusedWith(expired)).toMatchObject({ message: expect.stringMatching(/expired/) as string });

    await ctx.services.access.users.reactivate(OPERATOR, suspended.user.id);
    await signIn(ctx, suspended);
  });

  it('expires an account unused for 90 days when it next tries to sign in', async () => {
    const person = await createPerson(ctx);
    await signIn(ctx, person);
    ctx.clock.advanceMinutes(60 * 24 * 91);
    expect(await refusedWith(person)).toMatchObject({
      message: expect.stringMatching(/not used for 90 days/) as string,
    });
    const after = await ctx.services.access.users.get(OPERATOR, person.user.id);
    expect(after.status).toBe('expired');
    // Still refused when the check passes again later: expiry sticks until reactivation.
    expect(await refusedWith(person)).toMatchObject({ message: expect.stringMatching(/expired/) as string });
  });

  it('gives a wrong password on an unusable account the ordinary answer', async () => {
    const person = await createPerson(ctx);
    await ctx.services.access.users.suspend(OPERATOR, person.user.id, null);
    const response = await attempt(person.user.username, 'not the right password');
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: { code: 'INVALID_CREDENTIALS' } });
  });
});

describe('CSRF', () => {
  let person: TestPerson;
  beforeAll(async () => {
    person = await createPerson(ctx, { roles: ['practitioner', 'la_management'] });
  });

  it('refuses a JSON post with the session cookie but no token, or a wrong one', async () => {
    const session = await signIn(ctx, person);
    const bare = await ctx.app.inject({
      method: 'POST',
      url: '/api/sign-out',
      headers: sessionHeaders(ctx, session.cookie),
    });
    expect(bare.statusCode).toBe(403);
    expect(bare.json()).toMatchObject({ error: { code: 'CSRF' } });
    const wrong = await ctx.app.inject({
      method: 'POST',
      url: '/api/sign-out',
      headers: sessionHeaders(ctx, session.cookie, 'x'.repeat(43)),
    });
    expect(wrong.statusCode).toBe(403);
    // Still signed in: nothing happened.
    expect((await me(sessionHeaders(ctx, session.cookie))).statusCode).toBe(200);
  });

  it('refuses a token from another session', async () => {
    const mine = await signIn(ctx, person);
    const theirs = await signIn(ctx, await createPerson(ctx));
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/sign-out',
      headers: sessionHeaders(ctx, mine.cookie, theirs.csrfToken),
    });
    expect(response.statusCode).toBe(403);
  });

  it('refuses a form post without _csrf and accepts one with it', async () => {
    const session = await signIn(ctx, person);
    const target = await createPerson(ctx);
    const form = (body: string) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/users/${target.user.id}/suspend`,
        headers: {
          ...sessionHeaders(ctx, session.cookie),
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: body,
      });
    const refused = await form('reason=moved+away');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'CSRF' } });
    expect((await ctx.services.access.users.get(OPERATOR, target.user.id)).status).toBe('active');

    const accepted = await form(`reason=moved+away&_csrf=${encodeURIComponent(session.csrfToken)}`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect((await ctx.services.access.users.get(OPERATOR, target.user.id)).status).toBe('suspended');
  });

  it('needs no token for a request without the cookie (nothing a browser could forge)', async () => {
    const response = await ctx.app.inject({ method: 'POST', url: '/api/sign-out' });
    expect(response.statusCode).toBe(204);
  });
});

describe('first sign-in', () => {
  it('enrols an authenticator app: secret and otpauth URI, confirmed by the first code', async () => {
    const person = await createPerson(ctx, { totp: false, username: 'new.starter@camden.example' });
    const pending = await passwordStep(ctx, person.user.username, person.password);
    expect(pending.status).toBe('enrolment-required');
    const headers = sessionHeaders(ctx, pending.cookie, pending.csrfToken);

    const enrol = await ctx.app.inject({ method: 'POST', url: '/api/sign-in/totp/enrol', headers });
    expect(enrol.statusCode, enrol.body).toBe(200);
    const { secret, otpauthUri } = enrol.json<{ secret: string; otpauthUri: string }>();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/ContactPoint:new\.starter%40camden\.example\?secret=/);
    const stored = await sql<{
      secret_ciphertext: string;
    }>`select secret_ciphertext from user_totp where user_id = ${person.user.id}`.execute(ctx.database.db);
    expect(stored.rows[0]?.secret_ciphertext).not.toContain(secret);

    const wrong = await ctx.app.inject({
      method: 'POST',
      url: '/api/sign-in/totp',
      headers,
      payload: { code: '000000' },
    });
    expect(wrong.statusCode).toBe(401);
    const confirmed = await ctx.app.inject({
      method: 'POST',
      url: '/api/sign-in/totp',
      headers,
      payload: { code: await totpCode(secret, ctx.clock.now()) },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    ctx.clock.advanceMinutes(0.5);

    // Enrolled now: the next sign-in asks for the code, and cannot enrol another app.
    const next = await passwordStep(ctx, person.user.username, person.password);
    expect(next.status).toBe('second-factor-required');
    const again = await ctx.app.inject({
      method: 'POST',
      url: '/api/sign-in/totp/enrol',
      headers: sessionHeaders(ctx, next.cookie, next.csrfToken),
    });
    expect(again.statusCode).toBe(403);
    await signIn(ctx, { ...person, totpSecret: secret });
  });
});

describe('rate limits', () => {
  let limited: AccessTestContext;
  beforeAll(async () => {
    limited = await createAccessTestContext({
      signInRateLimitPerAddress: 6,
      signInRateLimitPerAccount: 3,
      lockAfterFailures: 50,
      permanentLockAfterFailures: 100,
    });
  });
  afterAll(async () => {
    await limited.close();
  });

  const post = (username: string, remoteAddress: string) =>
    limited.app.inject({
      method: 'POST',
      url: '/api/sign-in',
      payload: { username, password: 'wrong password' },
      remoteAddress,
    });

  it('limits sign-in attempts for one account from many addresses', async () => {
    const codes = [];
    for (let i = 0; i < 4; i += 1)
      codes.push((await post('target@camden.example', `10.0.0.${i + 1}`)).statusCode);
    expect(codes).toEqual([401, 401, 401, 429]);
    const limitedResponse = await post('target@camden.example', '10.0.0.99');
    expect(limitedResponse.json()).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    expect(limitedResponse.headers['retry-after']).toBeDefined();
  });

  it('limits sign-in attempts from one address across many accounts', async () => {
    const codes = [];
    for (let i = 0; i < 7; i += 1)
      codes.push((await post(`someone${i}@camden.example`, '10.1.1.1')).statusCode);
    expect(codes).toEqual([401, 401, 401, 401, 401, 401, 429]);
    expect((await post('someone-else@camden.example', '10.1.1.2')).statusCode).toBe(401);
  });
});
