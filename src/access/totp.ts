import { generateSecret, generateURI, verify } from 'otplib';

/** RFC 6238 with what every authenticator app supports: SHA-1, 6 digits, 30-second steps. */
const ISSUER = 'ContactPoint';
const CODE = /^\d{6}$/;

/**
 * One step either side of now, so a code typed just as it changes, or on a phone a little out of
 * step, still works; replay within that window is refused separately (lastUsedStep).
 */
const TOLERANCE_SECONDS = 30;

/** 20 random bytes (160 bits, RFC 4226's recommendation), base32 as authenticator apps expect. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20 });
}

/** The otpauth:// URI an authenticator app scans (as a QR code) or accepts pasted. */
export function totpUri(secret: string, username: string): string {
  return generateURI({ issuer: ISSUER, label: username, secret });
}

/**
 * The time step the code belongs to, or null if it is wrong, outside the window, or for a step at or
 * before `afterStep` (already used).
 */
export async function checkTotp(
  secret: string,
  code: string,
  at: Date,
  afterStep: number | null,
): Promise<number | null> {
  const given = code.replace(/\s+/g, '');
  if (!CODE.test(given)) return null;
  const result = await verify({
    secret,
    token: given,
    epoch: Math.floor(at.getTime() / 1000),
    epochTolerance: TOLERANCE_SECONDS,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
