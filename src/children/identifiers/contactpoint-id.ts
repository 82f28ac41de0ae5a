import { randomInt } from 'node:crypto';
import { invalid, valid } from './result.ts';
import type { Validation } from './result.ts';

/**
 * ContactPoint ID: "CP" + 9-digit serial + Luhn check digit, e.g. "CP1234567897".
 * Luhn catches every single-digit error and every adjacent transposition except 09 <-> 90.
 */
const SERIAL_LIMIT = 1_000_000_000;
const CANONICAL = /^CP(\d{9})(\d)$/;

/** Luhn (mod 10) check digit to append to a string of decimal digits. */
export function luhnCheckDigit(digits: string): number {
  if (!/^\d+$/.test(digits)) {
    throw new RangeError(`Luhn input must be decimal digits, got "${digits}"`);
  }
  let sum = 0;
  // Walk from the right: the digit that will sit next to the check digit is doubled.
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = Number(digits.charAt(i));
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** Deterministic ID for a serial in [0, 10^9): for synthetic data and tests. */
export function contactPointIdFromSerial(serial: number): string {
  if (!Number.isInteger(serial) || serial < 0 || serial >= SERIAL_LIMIT) {
    throw new RangeError(`ContactPoint ID serial must be an integer from 0 to 999999999, got ${serial}`);
  }
  const digits = String(serial).padStart(9, '0');
  return `CP${digits}${luhnCheckDigit(digits)}`;
}

// 2^47 is within randomInt's limit (range must be below 2^48) and leaves each of the 10^9
// serials with a bias of under 1 in 140,000, far below anything that matters for a random ID.
const UNIT_STEPS = 2 ** 47;
function secureUnitRandom(): number {
  return randomInt(0, UNIT_STEPS) / UNIT_STEPS;
}

/**
 * A fresh random ID. `random` follows the Math.random contract (a float in [0, 1)) so a seeded
 * generator can be injected for reproducible synthetic data; the default is cryptographically
 * secure so IDs reveal nothing about issue order. Collisions are possible in a 10^9 space:
 * the store's unique constraint must catch them and the caller retry.
 */
export function generateContactPointId(random: () => number = secureUnitRandom): string {
  const r = random();
  if (!(r >= 0 && r < 1)) {
    throw new RangeError(`random() must return a number in [0, 1), got ${r}`);
  }
  return contactPointIdFromSerial(Math.floor(r * SERIAL_LIMIT));
}

export function validateContactPointId(input: string): Validation<string> {
  // Accepts the display form "CP 123 456 789 7" as well as the canonical "CP1234567897".
  const compact = input.replace(/[\s-]+/g, '').toUpperCase();
  const match = CANONICAL.exec(compact);
  if (!match) {
    return invalid('cpid.format', 'ContactPoint ID must be "CP" followed by 10 digits');
  }
  const [, serial = '', check = ''] = match;
  if (luhnCheckDigit(serial) !== Number(check)) {
    return invalid('cpid.check-digit', 'ContactPoint ID must have a valid Luhn check digit');
  }
  return valid(compact);
}

/** "CP1234567897" -> "CP 123 456 789 7" */
export function formatContactPointId(id: string): string {
  const match = CANONICAL.exec(id.replace(/[\s-]+/g, '').toUpperCase());
  if (!match) {
    throw new RangeError(`Not a ContactPoint ID: "${id}"`);
  }
  const [, serial = '', check = ''] = match;
  return `CP ${serial.slice(0, 3)} ${serial.slice(3, 6)} ${serial.slice(6)} ${check}`;
}
