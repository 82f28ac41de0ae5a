import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { runCliInProcess } from '../../test/helpers/cli.ts';
import { createPasswordPolicy } from './password.ts';
import { DEMO_FEED_TOKEN, DEMO_PASSWORD, DEMO_TOTP_SECRET, demoBanner } from './demo.ts';
import { createAccessTestContext, signIn, type AccessTestContext, type TestPerson } from './test-support.ts';

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://contactpoint@db.internal:5432/contactpoint',
  TOTP_SECRET_KEY: 'ab'.repeat(32),
  WEBAUTHN_RP_ID: 'contactpoint.example',
  WEBAUTHN_ORIGIN: 'https://contactpoint.example',
  FIELD_ENCRYPTION_KEYS: `k1:${'cd'.repeat(32)}`,
  FIELD_HMAC_KEY: 'ef'.repeat(32),
};

describe('demo mode and production', () => {
  it('refuses demo mode with a production configuration, in one line', () => {
    for (const attempt of [
      () => loadConfig({ ...PRODUCTION, CONTACTPOINT_DEMO: '1' }),
      () => loadConfig(PRODUCTION, { demo: true }),
    ]) {
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(/^demo mode is refused in production[^\n]*$/);
    }
    expect(loadConfig(PRODUCTION).demo).toBe(false);
  });

  it('makes production bring its own TOTP key, Secure cookies and an https origin', () => {
    expect(() => loadConfig({ ...PRODUCTION, TOTP_SECRET_KEY: '' })).toThrow(/TOTP_SECRET_KEY/);
    expect(() => loadConfig({ ...PRODUCTION, COOKIE_SECURE: '0' })).toThrow(/COOKIE_SECURE/);
    expect(() => loadConfig({ ...PRODUCTION, WEBAUTHN_ORIGIN: 'http://contactpoint.example' })).toThrow(
      /https/,
    );
    expect(loadConfig(PRODUCTION).access.cookieSecure).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development' }).access.cookieSecure).toBe(false);
  });

  it('validates the access settings', () => {
    expect(loadConfig({}).access).toMatchObject({
      enhancedCheckValidityDays: 1095,
      accountIdleExpiryDays: 90,
      lockAfterFailures: 5,
      lockMinutes: 15,
      sessionIdleMinutes: 15,
    });
    expect(() => loadConfig({ ENHANCED_CHECK_VALIDITY_DAYS: 'three years' })).toThrow(
      /ENHANCED_CHECK_VALIDITY_DAYS/,
    );
    expect(() => loadConfig({ SIGN_IN_LOCK_AFTER: '10', SIGN_IN_PERMANENT_LOCK_AFTER: '10' })).toThrow(
      /SIGN_IN_PERMANENT_LOCK_AFTER/,
    );
    expect(() => loadConfig({ CONTACTPOINT_DEMO: 'yes' })).toThrow(/CONTACTPOINT_DEMO must be 1 or 0/);
    expect(() => loadConfig({ WEBAUTHN_RP_ID: 'example.org' })).toThrow(/WEBAUTHN_RP_ID/);
  });

  it('ends `serve --demo` under NODE_ENV=production with a one-line message', async () => {
    const result = await runCliInProcess(['serve', '--demo'], PRODUCTION);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'contactpoint: demo mode is refused in production: unset CONTACTPOINT_DEMO and drop --demo\n',
    );
  });
});

describe('demo accounts', () => {
  let ctx: AccessTestContext;
  beforeAll(async () => {
    ctx = await createAccessTestContext({}, { demo: true });
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('are refused outside demo mode', async () => {
    const plain = await createAccessTestContext();
    try {
      await expect(plain.services.access.seedDemo()).rejects.toThrow(/demo mode/);
    } finally {
      await plain.close();
    }
  });

  it('seeds one account per role, usable with the published password and TOTP secret', async () => {
    const accounts = await ctx.services.access.seedDemo();
    expect(accounts.map((a) => a.role).sort()).toEqual(
      ['auditor', 'data_manager', 'feed', 'la_management', 'practitioner', 'shielder'].sort(),
    );
    for (const account of accounts.filter((a) => a.role !== 'feed')) {
      const user = await ctx.services.access.users.getByUsername(
        { kind: 'operator', name: 'test' },
        account.username,
      );
      const person: TestPerson = { user, password: DEMO_PASSWORD, totpSecret: DEMO_TOTP_SECRET };
      await signIn(ctx, person);
    }
    const feed = await ctx.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { authorization: `Bearer ${DEMO_FEED_TOKEN}` },
    });
    expect(feed.json()).toMatchObject({ user: { username: 'demo-feed', roles: ['feed'] }, via: 'token' });
  });

  it('puts the accounts back as published when seeded again', async () => {
    const first = await ctx.services.access.seedDemo();
    const manager = await ctx.services.access.users.getByUsername(
      { kind: 'operator', name: 'test' },
      'demo-management',
    );
    await ctx.services.access.users.suspend({ kind: 'operator', name: 'test' }, manager.id, null);
    expect(await ctx.services.access.seedDemo()).toEqual(first);
    const again = await ctx.services.access.users.getByUsername(
      { kind: 'operator', name: 'test' },
      'demo-management',
    );
    expect(again.status).toBe('active');
    ctx.clock.advanceMinutes(1);
    await signIn(ctx, { user: again, password: DEMO_PASSWORD, totpSecret: DEMO_TOTP_SECRET });
  });

  it('uses a password that passes the policy, and prints the credentials in the banner', () => {
    expect(createPasswordPolicy().check(DEMO_PASSWORD, ['demo-practitioner', 'Demo Practitioner'])).toEqual({
      ok: true,
    });
    const banner = demoBanner(
      [{ username: 'demo-practitioner', role: 'practitioner' }],
      'http://localhost:3000',
    );
    expect(banner).toContain(DEMO_PASSWORD);
    expect(banner).toContain(DEMO_TOTP_SECRET);
    expect(banner).toMatch(/DEMO MODE/);
  });
});
