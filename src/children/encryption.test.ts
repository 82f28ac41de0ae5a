import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.ts';
import { addressMatchingKeys, createFieldCipher, FieldEncryptionError } from './encryption.ts';

const K1 = '11'.repeat(32);
const K2 = '22'.repeat(32);
const H = '33'.repeat(32);
const H2 = '44'.repeat(32);

function cipher(
  keys: Record<string, string>,
  activeKeyId: string,
  hmacKeys: Record<string, string> = { h1: H },
  activeHmacKeyId = 'h1',
) {
  return createFieldCipher({ keys, activeKeyId, hmacKeys, activeHmacKeyId });
}

describe('field cipher', () => {
  it('seals under the active key, naming it, and opens only in the context it was sealed for', () => {
    const c = cipher({ k1: K1 }, 'k1');
    const sealed = c.seal('{"line1":"1 Test Street"}', 'child_address:child-a:7');
    expect(sealed).toMatch(/^v1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('Test Street');
    expect(c.keyIdOf(sealed)).toBe('k1');
    expect(c.open(sealed, 'child_address:child-a:7')).toBe('{"line1":"1 Test Street"}');
    // Moved onto another row or another child, it does not open.
    expect(() => c.open(sealed, 'child_address:child-b:7')).toThrow(FieldEncryptionError);
    expect(() => c.open(sealed, 'carer:child-a:7')).toThrow(FieldEncryptionError);
  });

  it('uses a fresh nonce every time and detects tampering', () => {
    const c = cipher({ k1: K1 }, 'k1');
    const a = c.seal('same', 'ctx');
    expect(c.seal('same', 'ctx')).not.toBe(a);
    const parts = a.split('.');
    const body = Buffer.from(parts[4] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    parts[4] = body.toString('base64url');
    expect(() => c.open(parts.join('.'), 'ctx')).toThrow('integrity');
    expect(() => c.open('not an envelope', 'ctx')).toThrow(FieldEncryptionError);
  });

  it('opens ciphertext under any configured key while sealing under the active one', () => {
    const old = cipher({ k1: K1 }, 'k1');
    const sealedUnderK1 = old.seal('value', 'ctx');
    const rotated = cipher({ k1: K1, k2: K2 }, 'k2');
    expect(rotated.open(sealedUnderK1, 'ctx')).toBe('value');
    expect(rotated.keyIdOf(rotated.seal('value', 'ctx'))).toBe('k2');
    // Once the old key is removed, what is still under it cannot be read: rotate first.
    expect(() => cipher({ k2: K2 }, 'k2').open(sealedUnderK1, 'ctx')).toThrow('"k1" is not configured');
  });

  it('keeps equal matching keys for the same normalised postcode and address line', () => {
    const c = cipher({ k1: K1 }, 'k1');
    const a = addressMatchingKeys(c, { line1: '1 Test Street', postcode: 'sw1a1aa' });
    const b = addressMatchingKeys(c, { line1: '1, TEST  street', postcode: 'SW1A 1AA' });
    expect(a).toEqual(b);
    expect(a.postcode).toMatch(/^[0-9a-f]{64}$/);
    expect(a.postcodeSector).not.toBe(a.postcode);
    expect(addressMatchingKeys(c, { line1: '2 Test Street', postcode: 'SW1A 1AB' }).postcode).not.toBe(
      a.postcode,
    );
    // A different HMAC key gives unrelated hashes, so they mean nothing without it.
    const other = cipher({ k1: K1 }, 'k1', { h1: H2 });
    expect(addressMatchingKeys(other, { line1: '1 Test Street', postcode: 'SW1A 1AA' }).postcode).not.toBe(
      a.postcode,
    );
  });

  it('hashes under the active HMAC key, and for lookups under every configured one, active first', () => {
    const old = cipher({ k1: K1 }, 'k1', { h1: H });
    const rotating = cipher({ k1: K1 }, 'k1', { h1: H, h2: H2 }, 'h2');
    const fresh = cipher({ k1: K1 }, 'k1', { h2: H2 }, 'h2');
    expect(rotating.activeHmacKeyId).toBe('h2');
    expect(rotating.hmac('postcode', 'SW1A 1AA')).toBe(fresh.hmac('postcode', 'SW1A 1AA'));
    expect(rotating.hmac('postcode', 'SW1A 1AA')).not.toBe(old.hmac('postcode', 'SW1A 1AA'));
    expect(rotating.hmacEveryKey('postcode', 'SW1A 1AA')).toEqual([
      fresh.hmac('postcode', 'SW1A 1AA'),
      old.hmac('postcode', 'SW1A 1AA'),
    ]);
    expect(fresh.hmacEveryKey('postcode', 'SW1A 1AA')).toEqual([fresh.hmac('postcode', 'SW1A 1AA')]);
  });
});

describe('field encryption configuration', () => {
  const production = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://db/contactpoint',
    TOTP_SECRET_KEY: 'ab'.repeat(32),
    WEBAUTHN_RP_ID: 'contactpoint.example',
    WEBAUTHN_ORIGIN: 'https://contactpoint.example',
  };

  it('reads keys with ids and the active key', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      FIELD_ENCRYPTION_KEYS: `k1:${K1}, k2:${K2.toUpperCase()}`,
      FIELD_ENCRYPTION_ACTIVE_KEY: 'k2',
      FIELD_HMAC_KEY: H,
    });
    expect(config.fieldEncryption).toEqual({
      keys: { k1: K1, k2: K2 },
      activeKeyId: 'k2',
      hmacKeys: { h1: H },
      activeHmacKeyId: 'h1',
    });
  });

  it('reads HMAC keys with ids and the active one; the single FIELD_HMAC_KEY is the key h1', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      FIELD_HMAC_KEYS: `h1:${H},h2:${H2.toUpperCase()}`,
      FIELD_HMAC_ACTIVE_KEY: 'h2',
    });
    expect(config.fieldEncryption.hmacKeys).toEqual({ h1: H, h2: H2 });
    expect(config.fieldEncryption.activeHmacKeyId).toBe('h2');
    expect(loadConfig({ NODE_ENV: 'development' }).fieldEncryption.activeHmacKeyId).toBe('h1');
  });

  it('has a development key outside production, and production refuses to start without keys', () => {
    expect(Object.keys(loadConfig({ NODE_ENV: 'development' }).fieldEncryption.keys)).toEqual(['dev']);
    expect(() => loadConfig(production)).toThrow(/FIELD_ENCRYPTION_KEYS/);
    expect(() => loadConfig({ ...production, FIELD_ENCRYPTION_KEYS: `k1:${K1}` })).toThrow(/FIELD_HMAC_KEY/);
    expect(
      loadConfig({ ...production, FIELD_ENCRYPTION_KEYS: `k1:${K1}`, FIELD_HMAC_KEY: H }).fieldEncryption
        .activeKeyId,
    ).toBe('k1');
    expect(
      loadConfig({ ...production, FIELD_ENCRYPTION_KEYS: `k1:${K1}`, FIELD_HMAC_KEYS: `h7:${H}` })
        .fieldEncryption.activeHmacKeyId,
    ).toBe('h7');
  });

  it('refuses malformed keys, an unknown or missing active key, duplicates and a shared HMAC key', () => {
    const bad = [
      { FIELD_ENCRYPTION_KEYS: 'k1:abc' },
      { FIELD_ENCRYPTION_KEYS: `K1!:${K1}` },
      { FIELD_ENCRYPTION_KEYS: `k1:${K1},k1:${K2}` },
      { FIELD_ENCRYPTION_KEYS: `k1:${K1},k2:${K2}` },
      { FIELD_ENCRYPTION_KEYS: `k1:${K1}`, FIELD_ENCRYPTION_ACTIVE_KEY: 'k9' },
      { FIELD_ENCRYPTION_KEYS: `k1:${K1}`, FIELD_HMAC_KEY: K1 },
      { FIELD_HMAC_KEY: 'zz' },
      { FIELD_HMAC_KEYS: `h1:${H},h2:${H2}` },
      { FIELD_HMAC_KEYS: `h1:${H}`, FIELD_HMAC_ACTIVE_KEY: 'h2' },
      { FIELD_HMAC_KEYS: `h1:${H}`, FIELD_HMAC_KEY: H },
      { FIELD_HMAC_KEYS: `h1:${H},h1:${H2}` },
      { FIELD_ENCRYPTION_KEYS: `k1:${K1}`, FIELD_HMAC_KEYS: `h1:${H},h2:${K1}`, FIELD_HMAC_ACTIVE_KEY: 'h1' },
    ];
    for (const env of bad)
      expect(() => loadConfig({ NODE_ENV: 'test', ...env }), JSON.stringify(env)).toThrow(ConfigError);
  });
});
