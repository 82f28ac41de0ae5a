import crypto from 'node:crypto';

/** 32 random bytes, base64url: session tokens, bearer tokens and activation codes. */
export function randomToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

export function sha256Hex(value: string): string {
  return crypto.createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * Compares secrets in time that does not depend on where they differ. Both sides are hashed first
 * so inputs of different lengths compare in constant time too (timingSafeEqual needs equal lengths).
 */
export function safeEqual(a: string, b: string): boolean {
  const left = crypto.createHash('sha256').update(a, 'utf8').digest();
  const right = crypto.createHash('sha256').update(b, 'utf8').digest();
  return crypto.timingSafeEqual(left, right);
}

/** A token that proves a request came from a page of this service: bound to the session it belongs to. */
export function csrfTokenFor(sessionToken: string): string {
  return crypto.createHmac('sha256', sessionToken).update('contactpoint csrf v1').digest('base64url');
}

export function csrfTokenMatches(sessionToken: string, given: string | undefined): boolean {
  return given !== undefined && safeEqual(csrfTokenFor(sessionToken), given);
}

const CIPHER = 'aes-256-gcm';

/**
 * Seals a small secret (a TOTP key) with AES-256-GCM. The owner's id is authenticated with it, so a
 * ciphertext copied onto another user's row does not decrypt.
 */
export function seal(key: Buffer, plaintext: string, boundTo: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv(CIPHER, key, iv);
  cipher.setAAD(Buffer.from(boundTo, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
}

export function unseal(key: Buffer, sealed: string, boundTo: string): string {
  if (!sealed.startsWith('v1.')) throw new Error('unknown sealed-secret version');
  const raw = Buffer.from(sealed.slice(3), 'base64url');
  const decipher = crypto.createDecipheriv(CIPHER, key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(boundTo, 'utf8'));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
