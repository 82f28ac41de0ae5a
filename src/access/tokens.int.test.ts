import { CommanderError } from 'commander';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_ROLE } from '../db/app-role.ts';
import { declaredSourceNames } from '../ingest/source-declaration.ts';
import { AccessError } from './access.errors.ts';
import {
  createAccessTestContext,
  createPerson,
  OPERATOR,
  signIn,
  type AccessTestContext,
  type SignedInSession,
} from './test-support.ts';
import { insertToken, listTokens } from './token.repository.ts';
import { issueToken, listTokenLines, usersCommand } from './users-command.ts';

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
      payload: { userId: feedId, name: 'nightly census upload', sources: ['school_census'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const { secret, token } = created.json<{ secret: string; token: { id: string; name: string } }>();
    expect(secret).toMatch(/^cpt_[A-Za-z0-9_-]{43}$/);
    expect(token.name).toBe('nightly census upload');
    expect(ctx.audited.at(-1)).toMatchObject({
      action: 'token.create',
      details: { tokenId: token.id, name: 'nightly census upload', sources: ['school_census'] },
    });

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
      sources: ['school_census'],
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
      {
        action: 'token.create',
        target: `user:${feedId}`,
        details: { tokenId: token.id, name: 'to revoke', sources: ['school_census'] },
      },
      { action: 'token.revoke', target: `user:${feedId}`, details: { tokenId: token.id } },
    ]);
    const refused = await ctx.app.inject({ method: 'GET', url: '/api/me', headers: asBearer(secret) });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer');
    // The name is free again for a replacement.
    await ctx.services.access.tokens.create(OPERATOR, {
      userId: feedId,
      name: 'to revoke',
      sources: ['school_census'],
    });
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
      sources: ['nhs_demographics'],
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
      payload: { userId: person.user.id, name: 'x', sources: ['school_census'] },
    });
    expect(notFeed.statusCode).toBe(400);

    const practitioner = await signIn(ctx, await createPerson(ctx));
    const forbidden = await ctx.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: practitioner.headers,
      payload: { userId: feedId, name: 'x', sources: ['school_census'] },
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
      payload: { userId: feedId, name: 'x', sources: ['school_census'] },
    });
    expect(elsewhere.statusCode).toBe(404);
  });

  it('does not let a feed token manage anything', async () => {
    const { secret } = await ctx.services.access.tokens.create(OPERATOR, {
      userId: feedId,
      name: 'not a manager',
      sources: ['school_census'],
    });
    const response = await ctx.app.inject({ method: 'GET', url: '/api/users', headers: asBearer(secret) });
    expect(response.statusCode).toBe(403);
  });
});

describe('the sources a token may post', () => {
  const declared = declaredSourceNames().join(', ');

  it('are one or more declared sources, or the token is not issued', async () => {
    const create = (sources: unknown) =>
      ctx.services.access.tokens.create(OPERATOR, {
        userId: feedId,
        name: 'unsourced',
        sources: sources as readonly string[],
      });
    const none = `Name one or more feed sources the token may post (declared: ${declared})`;
    await expect(create([])).rejects.toThrow(new AccessError('INVALID_INPUT', none));
    await expect(create(undefined)).rejects.toThrow(none);
    await expect(create(['  '])).rejects.toThrow(none);
    await expect(create(['school_census', 'nhs_demographic', 'hmrc'])).rejects.toThrow(
      `No feed source is declared as "nhs_demographic", "hmrc" (declared: ${declared})`,
    );

    // Through the API the same: 400 with the reason, and nothing issued.
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: manager.headers,
      payload: { userId: feedId, name: 'unsourced', sources: ['census'] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: { message: `No feed source is declared as "census" (declared: ${declared})` },
    });
    const missing = await ctx.app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: manager.headers,
      payload: { userId: feedId, name: 'unsourced' },
    });
    expect(missing.statusCode).toBe(400);
    const tokens = await ctx.services.access.tokens.list(OPERATOR, feedId);
    expect(tokens.map((t) => t.name)).not.toContain('unsourced');
  });

  it('travel with the token, each once and in order, and are listed with it', async () => {
    const { token } = await ctx.services.access.tokens.create(OPERATOR, {
      userId: feedId,
      name: 'several',
      sources: ['school_census', ' nhs_demographics', 'school_census'],
    });
    expect(token.sources).toEqual(['nhs_demographics', 'school_census']);
    const listed = await ctx.services.access.tokens.list(OPERATOR, feedId);
    expect(listed.find((t) => t.id === token.id)?.sources).toEqual(['nhs_demographics', 'school_census']);
  });

  it('are written and read by the application role, as the server works', async () => {
    const seen = await ctx.database.db.transaction().execute(async (trx) => {
      await sql.raw(`set local role ${APP_ROLE}`).execute(trx);
      await insertToken(trx, {
        userId: feedId,
        name: 'as the application',
        sources: ['dwp_benefits'],
        tokenHash: 'a'.repeat(64),
        createdBy: null,
        at: ctx.clock.now(),
      });
      return listTokens(trx, feedId);
    });
    expect(seen.find((t) => t.name === 'as the application')?.sources).toEqual(['dwp_benefits']);
  });
});

describe('contactpoint users token --source', () => {
  /** Parses `args` as the command line would, running the token subcommand on this test's database. */
  async function users(args: string[]): Promise<string[]> {
    const command = usersCommand();
    let printed: string[] = [];
    for (const sub of [command, ...command.commands]) {
      sub.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    }
    const token = command.commands.find((sub) => sub.name() === 'token');
    const tokens = command.commands.find((sub) => sub.name() === 'tokens');
    token?.action(async (username: string, options: { name: string; source: string[] }) => {
      printed = await issueToken(ctx.services.access, OPERATOR, username, options);
    });
    tokens?.action(async (username: string) => {
      printed = await listTokenLines(ctx.services.access, OPERATOR, username);
    });
    await command.parseAsync(args, { from: 'user' });
    return printed;
  }

  it('issues a token for the sources named, repeated or comma-separated, and lists them', async () => {
    const printed = await users([
      'token',
      'camden-school-census',
      '--name',
      'from the command line',
      '--source',
      'school_census,dwp_benefits',
      '--source',
      'local_children_services',
    ]);
    expect(printed[0]).toMatch(
      /^token \S+ "from the command line" for camden-school-census, to post dwp_benefits, local_children_services, school_census$/,
    );
    const secret = /(cpt_[A-Za-z0-9_-]{43})$/.exec(printed[1] ?? '')?.[1] ?? '';
    expect(await ctx.services.access.tokens.authenticate(secret)).toMatchObject({
      principal: { userId: feedId },
      sources: ['dwp_benefits', 'local_children_services', 'school_census'],
    });

    const listed = await users(['tokens', 'camden-school-census']);
    expect(listed.find((line) => line.includes('from the command line'))).toMatch(
      /live .* sources dwp_benefits,local_children_services,school_census$/,
    );
  });

  it('refuses to issue one without a source, or for an undeclared one, saying why', async () => {
    const without = users(['token', 'camden-school-census', '--name', 'no source']);
    await expect(without).rejects.toThrow(CommanderError);
    await expect(without).rejects.toThrow(/required option '--source <name...>' not specified/);
    await expect(
      users(['token', 'camden-school-census', '--name', 'no source', '--source', 'nhs,school_census']),
    ).rejects.toThrow(`No feed source is declared as "nhs" (declared: ${declaredSourceNames().join(', ')})`);
    await expect(
      users(['token', 'camden-school-census', '--name', 'no source', '--source', ',']),
    ).rejects.toThrow(/^Name one or more feed sources the token may post/);
  });
});
