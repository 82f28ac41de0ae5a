import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { User } from './access.model.ts';
import {
  createAccessTestContext,
  createPerson,
  OPERATOR,
  signIn,
  type AccessTestContext,
  type SignedInSession,
  type TestPerson,
} from './test-support.ts';

let ctx: AccessTestContext;
let manager: TestPerson;
let session: SignedInSession;

beforeAll(async () => {
  ctx = await createAccessTestContext();
  manager = await createPerson(ctx, { roles: ['la_management'], username: 'manager@camden.example' });
});
// Tests move the clock on by hours or days, so each starts with a fresh session.
beforeEach(async () => {
  session = await signIn(ctx, manager);
});
afterAll(async () => {
  await ctx.close();
});

function post(url: string, payload?: object, headers = session.headers) {
  return ctx.app.inject({ method: 'POST', url, headers, ...(payload === undefined ? {} : { payload }) });
}

const newUser = (username: string, extra: object = {}) => ({
  username,
  displayName: 'Sam Okafor',
  email: username,
  organisationId: ctx.la.organisationId,
  roles: ['practitioner'],
  enhancedCheckDate: '2025-06-01',
  trainingCompletedDate: '2025-07-01',
  ...extra,
});

describe('registration by the LA management team', () => {
  it('registers a user of the manager’s own LA and returns a one-time activation code', async () => {
    const response = await post('/api/users', newUser('sam.okafor@camden.example'));
    expect(response.statusCode, response.body).toBe(201);
    const body = response.json<{ user: User; activationCode: string }>();
    expect(body.user).toMatchObject({
      username: 'sam.okafor@camden.example',
      localAuthority: '202',
      roles: ['practitioner'],
      status: 'active',
      enhancedCheckDate: '2025-06-01',
      trainingCompletedDate: '2025-07-01',
      hasPassword: false,
    });
    expect(body.activationCode).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(ctx.audited.at(-1)).toMatchObject({
      action: 'user.register',
      actor: { type: 'user', id: manager.user.id },
    });

    const taken = await post('/api/users', newUser('Sam.Okafor@camden.example'));
    expect(taken.statusCode).toBe(409);
  });

  it('refuses roles only an operator may grant, and organisations of another LA', async () => {
    const auditor = await post('/api/users', newUser('auditor@camden.example', { roles: ['auditor'] }));
    expect(auditor.statusCode).toBe(403);
    const elsewhere = await post(
      '/api/users',
      newUser('elsewhere@camden.example', { organisationId: ctx.otherLa.organisationId }),
    );
    expect(elsewhere.statusCode).toBe(404);
    const future = await post(
      '/api/users',
      newUser('future@camden.example', { enhancedCheckDate: '2030-01-01' }),
    );
    expect(future.statusCode).toBe(400);
    expect(future.json()).toMatchObject({ error: { message: expect.stringMatching(/future/) as string } });
  });

  it('is for management only', async () => {
    const practitioner = await signIn(ctx, await createPerson(ctx));
    const response = await post('/api/users', newUser('nope@camden.example'), practitioner.headers);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const anonymous = await ctx.app.inject({
      method: 'POST',
      url: '/api/users',
      payload: newUser('x@camden.example'),
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('lists the users of the manager’s LA only', async () => {
    const elsewhere = await createPerson(ctx, { la: 'otherLa' });
    const response = await ctx.app.inject({ method: 'GET', url: '/api/users', headers: session.headers });
    const listed = response.json<User[]>();
    expect(listed.every((u) => u.localAuthority === '202')).toBe(true);
    expect(listed.some((u) => u.id === elsewhere.user.id)).toBe(false);
    expect(JSON.stringify(listed)).not.toMatch(/argon2|passwordHash|activationCode/);
  });
});

describe('activation and the password policy', () => {
  async function register(username: string): Promise<string> {
    const response = await post('/api/users', newUser(username, { displayName: 'Jordan Price' }));
    return response.json<{ activationCode: string }>().activationCode;
  }
  const activate = (payload: object) => ctx.app.inject({ method: 'POST', url: '/api/activate', payload });

  it('refuses short, common and personal passwords, saying why', async () => {
    const code = await register('jordan.price@camden.example');
    const cases: [string, RegExp][] = [
      ['short pass', /at least 12 characters/],
      ['password1234', /too easy to guess/],
      ['qwertyuiop123', /too easy to guess/],
      ['JordanPrice2026!', /your name, username or email/],
      ['jordan.price@camden', /your name, username or email/],
    ];
    for (const [password, why] of cases) {
      const response = await activate({ username: 'jordan.price@camden.example', code, password });
      expect(response.statusCode, password).toBe(400);
      expect(response.json(), password).toMatchObject({
        error: { code: 'WEAK_PASSWORD', message: expect.stringMatching(why) as string },
      });
    }
    const tooLong = await activate({
      username: 'jordan.price@camden.example',
      code,
      password: 'a b'.repeat(50),
    });
    expect(tooLong.json()).toMatchObject({
      error: { message: expect.stringMatching(/128 characters or fewer/) as string },
    });

    // No composition rules: a long passphrase of ordinary words is fine.
    const ok = await activate({
      username: 'jordan.price@camden.example',
      code,
      password: 'marmalade lighthouse tuesday',
    });
    expect(ok.statusCode, ok.body).toBe(204);
    expect(ctx.audited.at(-1)).toMatchObject({ action: 'auth.password-set', outcome: 'success' });
    // The code works once.
    const again = await activate({
      username: 'jordan.price@camden.example',
      code,
      password: 'marmalade lighthouse tuesday',
    });
    expect(again.statusCode).toBe(401);
    expect(ctx.audited.at(-1)).toMatchObject({
      action: 'auth.password-set',
      outcome: 'failure',
      details: { reason: 'activation-code-refused' },
    });
  });

  it('answers a wrong code and an unknown user the same way', async () => {
    await register('casey.lee@camden.example');
    const wrong = await activate({
      username: 'casey.lee@camden.example',
      code: 'x'.repeat(22),
      password: 'marmalade lighthouse tuesday',
    });
    const unknown = await activate({
      username: 'nobody@camden.example',
      code: 'x'.repeat(22),
      password: 'marmalade lighthouse tuesday',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json<{ error: { message: string } }>().error.message).toBe(
      unknown.json<{ error: { message: string } }>().error.message,
    );
  });

  it('hashes passwords with argon2id', async () => {
    const person = await createPerson(ctx);
    const row = await ctx.database.db
      .selectFrom('user_account')
      .select('password_hash')
      .where('id', '=', person.user.id)
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});

describe('suspending, reactivating, unlocking, checks', () => {
  it('suspends and reactivates a user of the LA, with a reason', async () => {
    const person = await createPerson(ctx);
    const theirs = await signIn(ctx, person);
    const suspended = await post(`/api/users/${person.user.id}/suspend`, { reason: 'On long-term leave' });
    expect(suspended.statusCode, suspended.body).toBe(200);
    expect(suspended.json()).toMatchObject({ status: 'suspended', statusReason: 'On long-term leave' });
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/me', headers: theirs.headers })).statusCode,
    ).toBe(401);

    const reactivated = await post(`/api/users/${person.user.id}/reactivate`);
    expect(reactivated.json()).toMatchObject({ status: 'active', statusReason: null });
    await signIn(ctx, person);
  });

  it('cannot touch users of another LA, nor suspend itself', async () => {
    const elsewhere = await createPerson(ctx, { la: 'otherLa' });
    expect((await post(`/api/users/${elsewhere.user.id}/suspend`, {})).statusCode).toBe(404);
    expect(
      (
        await ctx.app.inject({
          method: 'GET',
          url: `/api/users/${elsewhere.user.id}`,
          headers: session.headers,
        })
      ).statusCode,
    ).toBe(404);
    const self = await post(`/api/users/${manager.user.id}/suspend`, {});
    expect(self.statusCode).toBe(403);
  });

  it('unlocks a permanently locked account', async () => {
    const person = await createPerson(ctx);
    for (let i = 0; i < 15; i += 1) {
      await ctx.app.inject({
        method: 'POST',
        url: '/api/sign-in',
        payload: { username: person.user.username, password: `nope ${i}` },
      });
      if ((i + 1) % 5 === 0) ctx.clock.advanceMinutes(16);
    }
    const locked = await ctx.app.inject({
      method: 'POST',
      url: '/api/sign-in',
      payload: { username: person.user.username, password: person.password },
    });
    expect(locked.statusCode).toBe(423);
    session = await signIn(ctx, manager);
    expect((await post(`/api/users/${person.user.id}/unlock`)).statusCode).toBe(200);
    expect(ctx.audited.at(-1)).toMatchObject({
      action: 'user.unlock',
      outcome: 'success',
      actor: { type: 'user', id: manager.user.id },
      target: `user:${person.user.id}`,
    });
    await signIn(ctx, person);
  });

  it('records a renewed enhanced check, letting a user with a stale one sign in again', async () => {
    const person = await createPerson(ctx, { enhancedCheckDate: '2020-01-01' });
    const refused = await ctx.app.inject({
      method: 'POST',
      url: '/api/sign-in',
      payload: { username: person.user.username, password: person.password },
    });
    expect(refused.statusCode).toBe(403);
    const updated = await post(`/api/users/${person.user.id}/checks`, { enhancedCheckDate: '2026-10-01' });
    expect(updated.statusCode, updated.body).toBe(200);
    expect(updated.json()).toMatchObject({
      enhancedCheckDate: '2026-10-01',
      trainingCompletedDate: '2026-02-01',
    });
    expect(ctx.audited.at(-1)).toMatchObject({
      action: 'user.checks-recorded',
      target: `user:${person.user.id}`,
      details: { enhancedCheckDate: '2026-10-01' },
    });
    await signIn(ctx, person);
  });

  it('expires every account unused for the idle limit in one sweep', async () => {
    const idle = await createPerson(ctx);
    ctx.clock.advanceMinutes(60 * 24 * 91);
    const fresh = await createPerson(ctx);
    const expired = await ctx.services.access.users.expireIdle();
    expect(expired).toBeGreaterThanOrEqual(1);
    expect((await ctx.services.access.users.get(OPERATOR, idle.user.id)).status).toBe('expired');
    expect((await ctx.services.access.users.get(OPERATOR, fresh.user.id)).status).toBe('active');
    expect(ctx.audited).toContainEqual(
      expect.objectContaining({
        action: 'user.expire',
        actor: { type: 'system', id: 'contactpoint' },
        target: `user:${idle.user.id}`,
        details: { reason: 'idle' },
      }),
    );
    // The manager was idle too; later tests need them.
    await ctx.services.access.users.reactivate(OPERATOR, manager.user.id);
  });
});

describe('organisations', () => {
  it('lets a manager add an organisation in their LA', async () => {
    const manager2 = await signIn(ctx, await createPerson(ctx, { roles: ['la_management'] }));
    const response = await post(
      '/api/organisations',
      { name: 'Hillside Primary School', kind: 'school' },
      manager2.headers,
    );
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({
      name: 'Hillside Primary School',
      kind: 'school',
      localAuthority: '202',
    });
    expect(ctx.audited.at(-1)).toMatchObject({
      action: 'organisation.create',
      details: { kind: 'school', localAuthority: '202' },
    });
    const listed = await ctx.app.inject({
      method: 'GET',
      url: '/api/organisations',
      headers: manager2.headers,
    });
    expect(listed.json<{ name: string }[]>().map((o) => o.name)).toContain('Hillside Primary School');
  });
});
