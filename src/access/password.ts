import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEn from '@zxcvbn-ts/language-en';

/**
 * argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): tens of milliseconds per
 * sign-in here, and a GPU attacker gets few guesses per second per card.
 */
const ARGON2_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
  /**
   * Verifies against a hash of a random password, for sign-in names with no password: the answer
   * is always no, and it takes as long as a real check, so timing does not reveal which names exist.
   */
  verifyDummy(password: string): Promise<false>;
}

/** Compatibility forms (ligatures, full-width letters) are folded, so what a keyboard sends matches. */
function canonical(password: string): string {
  return password.normalize('NFKC');
}

export function createPasswordHasher(): PasswordHasher {
  let dummy: Promise<string> | undefined;
  const check = async (passwordHash: string, password: string): Promise<boolean> => {
    try {
      return await verify(passwordHash, canonical(password));
    } catch {
      return false;
    }
  };
  return {
    // The library's default algorithm is argon2id (its enum is a const enum that isolated modules cannot import).
    hash: (password) => hash(canonical(password), ARGON2_OPTIONS),
    verify: check,
    async verifyDummy(password) {
      dummy ??= hash(randomBytes(24).toString('base64url'), ARGON2_OPTIONS);
      await check(await dummy, password);
      return false;
    },
  };
}

/** Lower case letters and digits only: 'Alice.Smith' and 'alice smith' both become 'alicesmith'. */
function squash(value: string): string {
  return canonical(value)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

export type PasswordVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface PasswordPolicy {
  /** `personal` are things about the user (name, email, username) that make a password guessable. */
  check(password: string, personal: readonly string[]): PasswordVerdict;
}

/**
 * OWASP ASVS 2.1: at least 12 characters, at most 128, no composition rules, and refused when
 * zxcvbn rates it easy to guess (score below 3) against common passwords, English words and names,
 * and the user's own details.
 */
export function createPasswordPolicy(): PasswordPolicy {
  // The dictionaries take a moment to build, so they are built on first use, once.
  let zxcvbn: ZxcvbnFactory | undefined;
  const estimator = () =>
    (zxcvbn ??= new ZxcvbnFactory({
      dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEn.dictionary },
      graphs: zxcvbnCommon.adjacencyGraphs,
      translations: zxcvbnEn.translations,
      maxLength: PASSWORD_MAX_LENGTH,
    }));
  return {
    check(password, personal) {
      // Counted in code points, as people count characters (an accented letter is one).
      const length = Array.from(canonical(password)).length;
      if (length < PASSWORD_MIN_LENGTH) {
        return {
          ok: false,
          reason: `Use at least ${PASSWORD_MIN_LENGTH} characters (a few unrelated words work well)`,
        };
      }
      if (length > PASSWORD_MAX_LENGTH) {
        return { ok: false, reason: `Use ${PASSWORD_MAX_LENGTH} characters or fewer` };
      }
      const squashed = squash(password);
      const personalWhole = personal.map((value) => squash(value.split('@')[0] ?? value));
      if (personalWhole.some((value) => value.length >= 4 && squashed.includes(value))) {
        return { ok: false, reason: 'Do not use your name, username or email address in your password' };
      }
      const inputs = personal
        .flatMap((value) => [value, ...value.split(/[\s@._+-]+/)])
        .map((value) => value.toLowerCase())
        .filter((value) => value.length >= 3);
      const result = estimator().check(canonical(password), [...inputs, 'contactpoint', 'contact point']);
      if (result.score >= 3) return { ok: true };
      const why = result.feedback.warning ?? 'It is too easy to guess';
      return {
        ok: false,
        reason: `This password is too easy to guess: ${why.replace(/\.$/, '')}. Try a few unrelated words`,
      };
    },
  };
}
