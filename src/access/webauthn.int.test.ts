import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftwareSecurityKey } from './software-security-key.ts';
import {
  createAccessTestContext,
  createPerson,
  passwordStep,
  sessionCookieOf,
  sessionHeaders,
  signIn,
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

function newKey(): SoftwareSecurityKey {
  return new SoftwareSecurityKey(ctx.config.access.webauthnRpId, ctx.config.access.webauthnOrigin);
}

async function call(url: string, headers: Record<string, string>, payload?: object) {
  return ctx.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
}

/** Registers `key` at the first sign-in; returns the signed-in cookie. */
async function enrolKey(person: TestPerson, key: SoftwareSecurityKey): Promise<string> {
  const pending = await passwordStep(ctx, person.user.username, person.password);
  expect(pending.status).toBe('enrolment-required');
  const headers = sessionHeaders(ctx, pending.cookie, pending.csrfToken);
  const options = await call('/api/sign-in/webauthn/register/options', headers);
  expect(options.statusCode, options.body).toBe(200);
  const challenge = options.json<{ challenge: string; rp: { id: string }; attestation: string }>();
  expect(challenge).toMatchObject({ rp: { id: 'localhost' }, attestation: 'none' });
  const verified = await call('/api/sign-in/webauthn/register/verify', headers, {
    response: key.register(challenge),
    name: 'Blue key',
  });
  expect(verified.statusCode, verified.body).toBe(200);
  expect(verified.json()).toMatchObject({ status: 'signed-in' });
  const cookie = sessionCookieOf(ctx, verified) ?? '';
  expect(cookie).not.toBe(pending.cookie);
  return cookie;
}

async function keyStep(person: TestPerson, key: SoftwareSecurityKey, origin?: string) {
  const pending = await passwordStep(ctx, person.user.username, person.password);
  const headers = sessionHeaders(ctx, pending.cookie, pending.csrfToken);
  const options = await call('/api/sign-in/webauthn/options', headers);
  expect(options.statusCode, options.body).toBe(200);
  const challenge = options.json<{ challenge: string; allowCredentials: { id: string }[] }>();
  expect(challenge.allowCredentials.map((c) => c.id)).toContain(key.credentialId);
  return call('/api/sign-in/webauthn/verify', headers, { response: key.authenticate(challenge, origin) });
}

describe('security keys (WebAuthn)', () => {
  it('registers a key at the first sign-in and signs in with it afterwards', async () => {
    const person = await createPerson(ctx, { totp: false });
    const key = newKey();
    const enrolled = await enrolKey(person, key);
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/me', headers: sessionHeaders(ctx, enrolled) }))
        .statusCode,
    ).toBe(200);
    expect(
      ctx.audited.some(
        (e) => e.action === 'auth.second-factor-enrolled' && e.details?.factor === 'security-key',
      ),
    ).toBe(true);

    const pending = await passwordStep(ctx, person.user.username, person.password);
    expect(pending.status).toBe('second-factor-required');

    const response = await keyStep(person, key);
    expect(response.statusCode, response.body).toBe(200);
    const cookie = sessionCookieOf(ctx, response) ?? '';
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/me', headers: sessionHeaders(ctx, cookie) }))
        .statusCode,
    ).toBe(200);
  });

  it('refuses a cloned key whose counter does not move forward, and a response for another origin', async () => {
    const person = await createPerson(ctx, { totp: false });
    const key = newKey();
    await enrolKey(person, key);
    expect((await keyStep(person, key)).statusCode).toBe(200);
    expect((await keyStep(person, key)).statusCode).toBe(200);

    const cloned = await keyStep(person, key.clone(1));
    expect(cloned.statusCode).toBe(401);
    expect(cloned.json()).toMatchObject({ error: { code: 'INVALID_SECOND_FACTOR' } });

    const phished = await keyStep(person, key, 'https://contactpoint.example.evil');
    expect(phished.statusCode).toBe(401);
  });

  it('refuses registering a key half-way through sign-in once the account has a second factor', async () => {
    const person = await createPerson(ctx);
    const pending = await passwordStep(ctx, person.user.username, person.password);
    const response = await call(
      '/api/sign-in/webauthn/register/options',
      sessionHeaders(ctx, pending.cookie, pending.csrfToken),
    );
    expect(response.statusCode).toBe(403);
  });

  it('lets a signed-in user add a key, and then sign in with it', async () => {
    const person = await createPerson(ctx);
    const session = await signIn(ctx, person);
    const key = newKey();
    const options = await call('/api/sign-in/webauthn/register/options', session.headers);
    expect(options.statusCode, options.body).toBe(200);
    const verified = await call('/api/sign-in/webauthn/register/verify', session.headers, {
      response: key.register(options.json<{ challenge: string }>()),
    });
    expect(verified.json()).toEqual({ status: 'registered' });
    expect((await keyStep(person, key)).statusCode).toBe(200);
  });

  it('does not accept a challenge twice', async () => {
    const person = await createPerson(ctx, { totp: false });
    const key = newKey();
    await enrolKey(person, key);
    const pending = await passwordStep(ctx, person.user.username, person.password);
    const headers = sessionHeaders(ctx, pending.cookie, pending.csrfToken);
    const options = await call('/api/sign-in/webauthn/options', headers);
    const challenge = options.json<{ challenge: string }>();
    const first = await call('/api/sign-in/webauthn/verify', headers, {
      response: key.authenticate(challenge),
    });
    expect(first.statusCode).toBe(200);
    const again = await passwordStep(ctx, person.user.username, person.password);
    const replay = await call(
      '/api/sign-in/webauthn/verify',
      sessionHeaders(ctx, again.cookie, again.csrfToken),
      {
        response: key.authenticate(challenge),
      },
    );
    expect(replay.statusCode).toBe(400);
  });
});
