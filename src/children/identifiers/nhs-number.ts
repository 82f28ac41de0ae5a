import { invalid, valid } from './result.ts';
import type { Validation } from './result.ts';

const NINE_DIGITS = /^\d{9}$/;
const TEN_DIGITS = /^\d{10}$/;
// Separators are only tolerated where the standard 3-3-4 display grouping puts them, so
// that arbitrary punctuation inside a number is reported rather than silently discarded.
const GROUPED = /^(\d{3})[ -]?(\d{3})[ -]?(\d{4})$/;

/**
 * Modulus 11 check digit for the first nine digits of an NHS number.
 * Returns null when the check value would be 10: no NHS number is ever issued with such a stem.
 */
export function nhsNumberCheckDigit(first9: string): number | null {
  if (!NINE_DIGITS.test(first9)) {
    throw new RangeError(`NHS number stem must be exactly 9 digits, got "${first9}"`);
  }
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    sum += Number(first9.charAt(i)) * (10 - i);
  }
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  if (check === 10) return null;
  return check;
}

export function validateNhsNumber(input: string): Validation<string> {
  const match = GROUPED.exec(input.trim());
  if (!match) {
    return invalid(
      'nhs.format',
      'NHS number must be 10 digits, optionally grouped 3-3-4 with spaces or hyphens',
    );
  }
  const digits = match.slice(1, 4).join('');

  // Every repdigit (0000000000, 1111111111, ...) passes modulus 11, because the weights 10..1
  // sum to 55, a multiple of 11. They are placeholder values typed into systems, never real numbers.
  if (/^(\d)\1{9}$/.test(digits)) {
    return invalid('nhs.all-same', 'NHS number must not consist of one repeated digit');
  }

  const expected = nhsNumberCheckDigit(digits.slice(0, 9));
  if (expected === null) {
    return invalid(
      'nhs.check-value-10',
      'NHS number is invalid: its first nine digits give a modulus 11 check value of 10, which is never issued',
    );
  }
  if (expected !== Number(digits.charAt(9))) {
    return invalid('nhs.check-digit', 'NHS number must have a valid modulus 11 check digit');
  }
  return valid(digits);
}

/** "9434765919" -> "943 476 5919" (the NHS display convention). Accepts already-grouped input. */
export function formatNhsNumber(tenDigits: string): string {
  const digits = tenDigits.replace(/[ -]/g, '');
  if (!TEN_DIGITS.test(digits)) {
    throw new RangeError(`NHS number must be 10 digits to format, got "${tenDigits}"`);
  }
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

/**
 * Numbers beginning 999 are reserved for testing and are never issued to patients; synthetic data
 * must stay inside this range so it can never collide with a real child.
 */
export function isTestRangeNhsNumber(n: string): boolean {
  return /^999\d{7}$/.test(n.replace(/[ -]/g, ''));
}
