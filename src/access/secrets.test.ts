import crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { csrfTokenFor, csrfTokenMatches, randomToken, safeEqual, seal, unseal } from './secrets.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('comparing secrets', () => {
  it('compares with crypto.timingSafeEqual, also when the lengths differ', () => {
    const spy = vi.spyOn(crypto, 'timingSafeEqual');
    expect(safeEqual('same secret', 'same secret')).toBe(true);
    expect(safeEqual('same secret', 'same secreT')).toBe(false);
    expect(safeEqual('short', 'a much longer value')).toBe(false);
    expect(spy).toHaveBeenCalledTimes(3);
  });

  it('checks CSRF tokens with the timing-safe comparison', () => {
    const spy = vi.spyOn(crypto, 'timingSafeEqual');
    const session = randomToken();
    expect(csrfTokenMatches(session, csrfTokenFor(session))).toBe(true);
    expect(csrfTokenMatches(session, csrfTokenFor(randomToken()))).toBe(false);
    expect(csrfTokenMatches(session, undefined)).toBe(false);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it('binds a CSRF token to its session', () => {
    expect(csrfTokenFor('a'.repeat(43))).not.toBe(csrfTokenFor('b'.repeat(43)));
    expect(csrfTokenFor('a'.repeat(43))).toBe(csrfTokenFor('a'.repeat(43)));
  });
});

describe('random tokens', () => {
  it('are 32 random bytes, base64url', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => randomToken()));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('sealed secrets', () => {
  const key = crypto.randomBytes(32);

  it('round-trips and does not contain the plaintext', () => {
    const sealed = seal(key, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', 'user-1');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('JBSWY3DP');
    expect(unseal(key, sealed, 'user-1')).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
  });

  it('refuses another user’s ciphertext, a tampered one, and the wrong key', () => {
    const sealed = seal(key, 'secret', 'user-1');
    expect(() => unseal(key, sealed, 'user-2')).toThrow();
    // Flip one bit of the ciphertext itself: editing a base64 character can land on padding bits.
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    const tampered = `v1.${raw.toString('base64url')}`;
    expect(() => unseal(key, tampered, 'user-1')).toThrow();
    expect(() => unseal(crypto.randomBytes(32), sealed, 'user-1')).toThrow();
  });
});
