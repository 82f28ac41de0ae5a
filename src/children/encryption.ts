import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { FieldEncryptionConfig } from '../config.ts';
import { normalisePostcode } from './identifiers/postcode.ts';
import { nameKey } from './search-keys.ts';

/**
 * Field encryption for shielded children's whereabouts: AES-256-GCM with a random 96-bit nonce per
 * value, and additional authenticated data naming the row, so a ciphertext copied onto another row
 * (or another child) fails to open instead of moving an address between children.
 *
 * Envelope: `v1.<key id>.<nonce>.<tag>.<ciphertext>`, base64url parts. The key id travels with the
 * ciphertext so several keys can be live at once during a rotation.
 */

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class FieldEncryptionError extends Error {
  override readonly name = 'FieldEncryptionError';
}

export interface FieldCipher {
  readonly activeKeyId: string;
  readonly keyIds: readonly string[];
  /** Seals `plaintext` under the active key, bound to `context` (which row it belongs to). */
  seal(plaintext: string, context: string): string;
  /** Opens an envelope sealed under any configured key; throws if it was altered or moved. */
  open(envelope: string, context: string): string;
  /** The key id an envelope names, without opening it. */
  keyIdOf(envelope: string): string;
  /** The HMAC key matching keys are computed under now, stored beside them as `hmac_key_id`. */
  readonly activeHmacKeyId: string;
  readonly hmacKeyIds: readonly string[];
  /**
   * Keyed hash of an already normalised value under the active HMAC key; `kind` keeps a postcode from
   * equalling an address line.
   */
  hmac(kind: MatchingKeyKind, normalised: string): string;
  /**
   * The value's hash under every configured HMAC key, the active one first: what a lookup compares
   * stored hashes with while a rotation has left rows under an older key.
   */
  hmacEveryKey(kind: MatchingKeyKind, normalised: string): string[];
}

export type MatchingKeyKind = 'postcode' | 'postcode-sector' | 'address-line' | 'household';

/** How a feed's household references are kept (NormalisedFields.household): only their keyed hash. */
export function householdKey(cipher: Pick<FieldCipher, 'hmac'>): (reference: string) => string {
  return (reference) => cipher.hmac('household', reference);
}

export function createFieldCipher(config: FieldEncryptionConfig): FieldCipher {
  const keys = new Map<string, Buffer>();
  for (const [id, hex] of Object.entries(config.keys)) keys.set(id, Buffer.from(hex, 'hex'));
  const active = keys.get(config.activeKeyId);
  if (active === undefined) throw new FieldEncryptionError('the active field key is not configured');
  const hmacKeys = new Map<string, Buffer>();
  for (const [id, hex] of Object.entries(config.hmacKeys)) hmacKeys.set(id, Buffer.from(hex, 'hex'));
  const activeHmac = hmacKeys.get(config.activeHmacKeyId);
  if (activeHmac === undefined) throw new FieldEncryptionError('the active HMAC key is not configured');
  const otherHmacs = [...hmacKeys].filter(([id]) => id !== config.activeHmacKeyId).map(([, key]) => key);

  function keyedHash(key: Buffer, kind: MatchingKeyKind, normalised: string): string {
    return createHmac('sha256', key).update(`${kind}\u0000${normalised}`, 'utf8').digest('hex');
  }

  function parse(envelope: string) {
    const [version, keyId, nonce, tag, body, ...extra] = envelope.split('.');
    if (
      version !== VERSION ||
      keyId === undefined ||
      nonce === undefined ||
      tag === undefined ||
      body === undefined ||
      extra.length > 0
    ) {
      throw new FieldEncryptionError('not a sealed field envelope');
    }
    return { keyId, nonce, tag, body };
  }

  return {
    activeKeyId: config.activeKeyId,
    keyIds: [...keys.keys()],
    seal(plaintext, context) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', active, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        VERSION,
        config.activeKeyId,
        nonce.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
        body.toString('base64url'),
      ].join('.');
    },
    open(envelope, context) {
      const { keyId, nonce, tag, body } = parse(envelope);
      const key = keys.get(keyId);
      // Names the key id only: it is configuration, not data.
      if (key === undefined) throw new FieldEncryptionError(`field key "${keyId}" is not configured`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64url'), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
          'utf8',
        );
      } catch {
        throw new FieldEncryptionError('a sealed field failed its integrity check');
      }
    },
    keyIdOf(envelope) {
      return parse(envelope).keyId;
    },
    activeHmacKeyId: config.activeHmacKeyId,
    hmacKeyIds: [...hmacKeys.keys()],
    hmac(kind, normalised) {
      return keyedHash(activeHmac, kind, normalised);
    },
    hmacEveryKey(kind, normalised) {
      return [activeHmac, ...otherHmacs].map((key) => keyedHash(key, kind, normalised));
    },
  };
}

// The normalisations the matching keys are taken over: the same for a stored row and for a search
// or feed row being compared with it, or equal values would not hash equal.

/** 'sw1a1aa' and 'SW1A 1AA' alike give 'SW1A 1AA'; null when it is not a UK postcode. */
export function postcodeForMatching(postcode: string | null): string | null {
  if (postcode === null) return null;
  const result = normalisePostcode(postcode);
  return result.ok ? result.value : null;
}

/** The sector, 'SW1A 1', as child_address.postcode_key derives it. */
export function postcodeSector(normalised: string): string {
  return normalised.slice(0, -2);
}

/** An address line folded like a name key: case, accents and punctuation do not matter. */
export function addressLineForMatching(line: string | null): string | null {
  if (line === null) return null;
  const folded = nameKey(line);
  return folded === '' ? null : folded;
}

export interface AddressMatchingKeys {
  readonly postcode: string | null;
  readonly postcodeSector: string | null;
  readonly addressLine: string | null;
}

/** The keyed hashes a sealed address keeps for matching and search. */
export function addressMatchingKeys(
  cipher: FieldCipher,
  address: { readonly line1: string | null; readonly postcode: string | null },
): AddressMatchingKeys {
  const postcode = postcodeForMatching(address.postcode);
  const line = addressLineForMatching(address.line1);
  return {
    postcode: postcode === null ? null : cipher.hmac('postcode', postcode),
    postcodeSector: postcode === null ? null : cipher.hmac('postcode-sector', postcodeSector(postcode)),
    addressLine: line === null ? null : cipher.hmac('address-line', line),
  };
}
