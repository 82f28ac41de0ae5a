import { describe, expect, it } from 'vitest';
import { createPasswordHasher, createPasswordPolicy } from './password.ts';

const policy = createPasswordPolicy();
const me = ['Alice Smith', 'alice.smith@camden.example'];

describe('password policy (OWASP ASVS)', () => {
  it('needs 12 to 128 characters, counting characters rather than bytes', () => {
    expect(policy.check('short one', me)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/at least 12/) as string,
    });
    expect(policy.check('wolkenkratzer ändern', me)).toEqual({ ok: true });
    expect(policy.check('ééééééééééé', me)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/at least 12/) as string,
    });
    expect(policy.check('x y '.repeat(33), me)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/128/) as string,
    });
  });

  it('has no composition rules: a passphrase of plain words passes', () => {
    expect(policy.check('correct horse battery staple', me)).toEqual({ ok: true });
  });

  it('refuses common and easily guessed passwords, saying why', () => {
    for (const weak of ['password1234', 'Password123!', 'qwertyuiop123', '111111111111', 'letmein12345']) {
      expect(policy.check(weak, me), weak).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/too easy to guess/) as string,
      });
    }
  });

  it('refuses the user’s own name, username or email address', () => {
    expect(policy.check('aliceSmith2024', me)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/your name/) as string,
    });
    expect(policy.check('alice.smith@camden', me)).toMatchObject({ ok: false });
  });
});

describe('password hashing', () => {
  const hasher = createPasswordHasher();

  it('uses argon2id and verifies', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await hasher.verify(hash, 'correct horse battery staple')).toBe(true);
    expect(await hasher.verify(hash, 'correct horse battery stapler')).toBe(false);
    expect(await hasher.verify('not a hash', 'anything')).toBe(false);
  });

  it('treats compatibility forms of a character as the same character', async () => {
    const hash = await hasher.hash('ﬁsh and chips on friday');
    expect(await hasher.verify(hash, 'fish and chips on friday')).toBe(true);
  });

  it('verifies a dummy hash for names with no password, always refusing', async () => {
    expect(await hasher.verifyDummy('anything')).toBe(false);
  });
});
