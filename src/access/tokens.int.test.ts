import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAccessTestContext,
  createPerson,
  OPERATOR,
  signIn,
  type AccessTestContext,
  type SignedInSession,
} from './test-support.ts';

let ctx: AccessTestContext;
let manager: SignedInSession;
let feedId: string;

beforeAll(async () => {
  ctx = await createAccessTestContext();
  manager = await signIn(ctx, await createPerson(ctx, { roles: ['la_management'] }));
  const feed = await ctx.services.access.users.register(OPERATOR, {
    username: 'camden-school-census',
    displayName: 'Camden school census feed',
    organisationId: ctx.la.organisationId,
    localAuthority: ctx.la.code,
    roles: ['feed'],
  });
  expect(feed.activationCode).toBeNull();
  feedId = feed.user.id;
});
afterAll(async () => {
  await ctx.close();
});

const asBearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('API tokens for system accounts', () => {
  it('issues a token shown once, stored only as a SHA-256, that authenticates the feed account', async () => {
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: manager.headers,
      payload: { userId: feedId, name: 'nightly census upload' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { secret, token } = created.json<{ secret: string; token: { id: string; name: string } }>();
    expect(secret).toMatch(/^cpt_[A-Za-z0-9_-]{43}$/);
    expect(token.name).toBe('nightly census upload');

    const stored = await sql<{
      token_hash: string;
    }>`select token_hash from api_token where id = ${token.id}`.execute(ctx.database.db);
    expect(stored.rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.rows[0]?.token_hash).not.toContain(secret.slice(4));

    const me = await ctx.app.inject({ method: 'GET', url: '/api/me', headers: asBearer(secret) });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({ user: { id: feedId, roles: ['feed'] }, via: 'token' });
    expect(me.json()).not.toHaveProperty('csrfToken');

    // Bearer requests carry no cookie, so no CSRF token is needed for them.
    const signOut = await ctx.app.inject({ method: 'POST', url: '/api/sign-out', headers: asBearer(secret) });
    expect(signOut.statusCode).toBe(204);

    const listed = await ctx.app.inject({
      method: 'GET',
      url: `/api/users/${feedId}/tokens`,
      headers: manager.headers,
    });
    expect(listed.json<{ id: string; lastUsedAt: string | null }[]>()).toEqual([
      expect.objectContaining({ id: token.id, lastUsedAt: expect.any(String) as string }),
    ]);
    expect(listed.body).not.toContain(secret);
  });

  it('refuses a revoked token at once', async () => {
    const { secret, token } = await ctx.services.access.tokens.create(OPERATOR, {
      userId: feedId,
      name: 'to revoke',
    });
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/me', headers: asBearer(secret) })).statusCode,
    ).toBe(200);
    const revoked = await ctx.app.inject({
      method: 'DELETE',
      url: `/api/tokens/${token.id}`,
      headers: manager.headers,
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({ id: token.id, revokedAt: expect.any(String) as string });
    expect(ctx.audited.slice(-2)).toMatchObject([
      { action: 'token.create', target: `user:${feedId}`, details: { tokenId: token.id, name: 'to revoke' } },
      { action: 'token.revoke', target: `user:${feedId}`, details: { tokenId: token.id } },
    ]);
    const refused = await ctx.app.inject({ method: 'GET', url: '/api/me', headers: asBearer(secret) });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer');
    // The name is free again for a replacement.
    await ctx.services.access.tokens.create(OPERATOR, { userId: feedId, name: 'to revoke' });
  });

  it('refuses tokens of a suspended account, and unknown or malformed tokens', async () => {
    const feed = await ctx.services.access.users.register(OPERATOR, {
      username: 'camden-health-feed',
      displayName: 'Camden health feed',
      organisationId: ctx.la.organisationId,
      localAuthority: ctx.la.code,
      roles: ['feed'],
    });
    const { secret } = await ctx.services.access.tokens.create(OPERATOR, {
      userId: feed.user.id,
      name: 'health',
    });
    await ctx.services.access.users.suspend(OPERATOR, feed.user.id, null);
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/me', headers: asBearer(secret) })).statusCode,
    ).toBe(401);
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/me', headers: asBearer(`cpt_${'A'.repeat(43)}`) }))
        .statusCode,
    ).toBe(401);
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: 'Basic abc' } }))
        .statusCode,
    ).toBe(401);
  });

  it('issues tokens only for feed accounts, and only to their managers', async () => {
    const person = await createPerson(ctx);
    const notFeed = await ctx.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: manager.headers,
      payload: { userId: person.user.id, name: 'x' },
    });
    expect(notFeed.statusCode).toBe(400);

    const practitioner = await signIn(ctx, await createPerson(ctx));
    const forbidden = await ctx.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: practitioner.headers,
      payload: { userId: feedId, name: 'x' },
    });
    expect(forbidden.statusCode).toBe(403);

    const otherManager = await signIn(
      ctx,
      await createPerson(ctx, { roles: ['la_management'], la: 'otherLa' }),
    );
    const elsewhere = await ctx.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: otherManager.headers,
      payload: { userId: feedId, name: 'x' },
    });
    expect(elsewhere.statusCode).toBe(404);
  });

  it('does not let a feed token manage anything', async () => {
    const { secret } = await ctx.services.access.tokens.create(OPERATOR, {
      userId: feedId,
      name: 'not a manager',
    });
    const response = await ctx.app.inject({ method: 'GET', url: '/api/users', headers: asBearer(secret) });
    expect(response.statusCode).toBe(403);
  });
});
